#!/usr/bin/env python3
"""Generates ../values.schema.json (draft-07, read by Helm 3 and Helm 4). Run after changing values."""
import json, pathlib

def obj(props, required=None, desc=None, additional=False):
    o = {"type": "object", "additionalProperties": additional, "properties": props}
    if required: o["required"] = required
    if desc: o["description"] = desc
    return o

def s(desc=None, **kw):
    o = {"type": "string", **kw}
    if desc: o["description"] = desc
    return o

def i(desc=None, **kw):
    o = {"type": "integer", **kw}
    if desc: o["description"] = desc
    return o

b = lambda desc=None: {"type": "boolean", **({"description": desc} if desc else {})}
strmap = lambda desc=None: {"type": "object", "additionalProperties": {"type": "string"}, **({"description": desc} if desc else {})}
anyobj = lambda desc=None: {"type": "object", **({"description": desc} if desc else {})}
anylist = lambda desc=None: {"type": "array", **({"description": desc} if desc else {})}
ref = lambda name: {"$ref": f"#/definitions/{name}"}
port = lambda desc=None: i(desc, minimum=1, maximum=65535)

definitions = {
    "quantity": {"type": ["string", "number"], "pattern": r"^[0-9]+(\.[0-9]+)?(m|k|Ki|M|Mi|G|Gi|T|Ti|P|Pi|E|Ei)?$",
                 "description": "a Kubernetes quantity, e.g. 250m, 512Mi"},
    "image": obj({
        "registry": s("registry host, e.g. docker.io; empty: none"),
        "repository": s("repository path", minLength=1),
        "tag": s("a pinned tag (not latest); ignored when digest is set",
                 **{"not": {"enum": ["latest"]}}),
        "digest": s("sha256:<64 hex>; wins over the tag", pattern="^(sha256:[a-f0-9]{64})?$"),
        "pullPolicy": s(enum=["Always", "IfNotPresent", "Never"]),
    }, required=["repository", "tag"], desc="an image: {registry, repository, tag, digest, pullPolicy}"),
    "resources": obj({
        "requests": obj({"cpu": ref("quantity"), "memory": ref("quantity"), "ephemeral-storage": ref("quantity")},
                        required=["cpu", "memory"]),
        "limits": obj({"cpu": ref("quantity"), "memory": ref("quantity"), "ephemeral-storage": ref("quantity")},
                      required=["memory"]),
    }, required=["requests", "limits"], desc="container resources: requests.cpu, requests.memory and limits.memory are required"),
    "accessModes": {"type": "array", "minItems": 1, "items": {"enum": ["ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod"]}},
    "uid": i("numeric non-root id", minimum=1),
    "dnsLabel": s(pattern="^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)?$", maxLength=63),
    "envVars": {"type": "array", "description": "EnvVar entries", "items": {"type": "object", "required": ["name"],
                "properties": {"name": {"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_.-]*$"}}}},
    "envFrom": {"type": "array", "description": "EnvFromSource entries", "items": {"type": "object"}},
    "containers": {"type": "array", "description": "containers (made restricted; resources required)",
                   "items": {"type": "object", "required": ["name", "image", "resources"],
                             "properties": {"name": {"type": "string", "minLength": 1}, "image": {"type": "string", "minLength": 1},
                                            "resources": {"$ref": "#/definitions/resources"}}}},
    "scheduling": None,
}
sched = {"podAnnotations": strmap(), "podLabels": strmap(), "nodeSelector": strmap(), "tolerations": anylist(),
         "affinity": anyobj(), "topologySpreadConstraints": anylist(), "priorityClassName": s()}
extraEnv = {"extraEnvVars": ref("envVars"), "extraEnvVarsCM": s(), "extraEnvVarsSecret": s(), "extraEnvFrom": ref("envFrom")}
del definitions["scheduling"]

values = obj({
    "global": {"type": "object", "properties": {
        "imageRegistry": s("replaces the registry of every image"),
        "imagePullSecrets": {"type": "array", "items": {"anyOf": [{"type": "string"}, obj({"name": s()}, required=["name"])]}}}},
    "nameOverride": ref("dnsLabel"),
    "fullnameOverride": ref("dnsLabel"),
    "tenant": {**definitions["dnsLabel"], "description": "tenant label value (DNS-1123 label); default: the release namespace"},
    "sharedNamespace": b("the namespace holds many tenants; tenant is then required"),
    "commonLabels": strmap("labels added to every object"),
    "imagePullSecrets": {"type": "array", "items": {"anyOf": [{"type": "string"}, obj({"name": s()}, required=["name"])]}},
    "image": ref("image"),
    "podSecurityContext": obj({"runAsUser": ref("uid"), "runAsGroup": ref("uid"), "fsGroup": ref("uid")},
                              required=["runAsUser", "runAsGroup", "fsGroup"]),
    "app": obj({
        "name": s(minLength=1), "env": s(minLength=1), "debug": b(),
        "url": s("APP_URL", pattern="^https?://"), "adminUrl": s(pattern="^[A-Za-z0-9_-]+$"),
        "timezone": s(), "locale": s(), "currency": s(pattern="^[A-Z]{3}$"),
        "logChannel": s(), "logLevel": s(enum=["debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"]),
        "key": s("APP_KEY; empty: generated", pattern="^(base64:[A-Za-z0-9+/=]{40,}|.{32})?$"),
        "extraEnv": {"type": "object", "additionalProperties": {"type": ["string", "number", "boolean"]},
                     "propertyNames": {"pattern": "^[A-Za-z_][A-Za-z0-9_]*$"}},
        **extraEnv, "extraVolumes": anylist(), "extraVolumeMounts": anylist(),
    }),
    "existingSecret": s("Secret with APP_KEY, DB_PASSWORD, REDIS_PASSWORD, MYSQL_ROOT_PASSWORD"),
    "storefront": obj({
        "appRoot": s("Laravel root in the image", pattern="^/"),
        "replicaCount": i(minimum=0),
        "initPaths": obj({"publicTarget": s(pattern="^/"), "storageTarget": s(pattern="^/")},
                         required=["publicTarget", "storageTarget"]),
        "publicSizeLimit": ref("quantity"),
        "updateStrategy": anyobj("Deployment strategy"),
        "terminationGracePeriodSeconds": i(minimum=0),
        "resources": ref("resources"), "initResources": ref("resources"),
        **sched, "sidecars": ref("containers"), "initContainers": ref("containers"),
    }),
    "php": obj({
        "fpmPort": port("PHP-FPM port"),
        "pm": obj({"mode": s(enum=["dynamic", "static", "ondemand"]), "maxChildren": i(minimum=1),
                   "startServers": i(minimum=1), "minSpareServers": i(minimum=1), "maxSpareServers": i(minimum=1),
                   "maxRequests": i(minimum=0)}),
        "ini": {"type": "object", "additionalProperties": {"type": ["string", "number", "boolean"]},
                "description": "php.ini settings (php_admin_value)"},
        "cliMemoryLimit": s(pattern="^(-1|[0-9]+[KMG]?)$"),
    }),
    "nginx": obj({
        "image": ref("image"), "containerPort": port("nginx listen port"), "statusPort": port("internal status port"),
        "clientMaxBodySize": s(pattern="^[0-9]+[kKmMgG]?$"),
        "staticExpires": s(pattern="^(off|epoch|max|[0-9]+[smhdwMy]?)$"),
        "buildExpires": s(pattern="^(off|epoch|max|[0-9]+[smhdwMy]?)$"),
        "runAsUser": {"type": ["integer", "null"], "minimum": 1}, "runAsGroup": {"type": ["integer", "null"], "minimum": 1},
        "resources": ref("resources"),
    }),
    "persistence": obj({
        "existingClaim": s(), "storageClass": s(), "accessModes": ref("accessModes"),
        "size": ref("quantity"), "annotations": strmap(), "keep": b(),
    }),
    "metrics": obj({
        "enabled": b(),
        "nginxExporter": obj({"image": ref("image"), "port": port(), "resources": ref("resources")}),
        "fpmExporter": obj({"image": ref("image"), "port": port(), "resources": ref("resources")}),
        "from": anylist("NetworkPolicy peers allowed to scrape"),
        "serviceMonitor": obj({"enabled": b(), "interval": s(pattern="^[0-9]+(ms|s|m|h)$"),
                               "scrapeTimeout": s(pattern="^[0-9]+(ms|s|m|h)$"), "labels": strmap()}),
    }),
    "media": obj({
        "disk": s(enum=["local", "s3"]),
        "s3": obj({"bucket": s(), "region": s(), "endpoint": s(pattern="^(https?://.+)?$"), "url": s(pattern="^(https?://.+)?$"),
                   "usePathStyleEndpoint": b(), "accessKeyId": s(), "secretAccessKey": s(), "existingSecret": s()}),
    }),
    "mail": obj({
        "mailer": s(enum=["smtp", "log", "array"]), "host": s(), "port": port(), "encryption": s(enum=["tls", "ssl", ""]),
        "username": s(), "password": s(), "existingSecret": s(), "existingSecretPasswordKey": s(minLength=1),
        "fromAddress": s(pattern="^[^@\\s]+@[^@\\s]+$"), "fromName": s(),
    }),
    "mailpit": obj({"enabled": b(), "image": ref("image"), "resources": ref("resources")}),
    "search": obj({
        "engine": s(enum=["database", "elasticsearch", "opensearch"]), "url": s(pattern="^(https?://[^/]+/?)?$"),
        "username": s(), "password": s(), "existingSecret": s(), "existingSecretPasswordKey": s(minLength=1),
    }),
    "opensearch": obj({
        "enabled": b(), "image": ref("image"), "javaOpts": s(),
        "persistence": obj({"storageClass": s(), "size": ref("quantity")}),
        "resources": ref("resources"), "nodeSelector": strmap(), "tolerations": anylist(), "affinity": anyobj(),
        "priorityClassName": s(),
    }),
    "tests": obj({"image": ref("image")}),
    "serviceAccount": obj({"create": b(), "name": s(), "annotations": strmap()}),
    "service": obj({"type": s(enum=["ClusterIP", "NodePort", "LoadBalancer"]), "port": port(), "annotations": strmap()}),
    "ingress": obj({
        "enabled": b(), "className": s(), "annotations": strmap(),
        "hosts": {"type": "array", "items": obj({
            "host": s(minLength=1),
            "paths": {"type": "array", "minItems": 1, "items": obj({
                "path": s(pattern="^/"), "pathType": s(enum=["Prefix", "Exact", "ImplementationSpecific"])},
                required=["path", "pathType"])},
        }, required=["host", "paths"])},
        "tls": {"type": "array", "items": obj({"secretName": s(minLength=1), "hosts": {"type": "array", "items": s()}},
                                              required=["secretName"])},
        "certManager": obj({"enabled": b(), "clusterIssuer": s(), "issuer": s()}),
    }),
    "httpRoute": obj({
        "enabled": b(), "annotations": strmap(),
        "parentRefs": {"type": "array", "items": {"type": "object", "required": ["name"],
                                                   "properties": {"name": s(minLength=1)}}},
        "hostnames": {"type": "array", "items": s()}, "path": s(pattern="^/"),
    }),
    "migration": obj({
        "enabled": b(), "seed": b("seed a fresh database once"), "backoffLimit": i(minimum=0),
        "activeDeadlineSeconds": i(minimum=1), "waitTimeoutSeconds": i(minimum=1), "resources": ref("resources"),
        **extraEnv, **sched,
    }),
    "worker": obj({
        "enabled": b(), "replicaCount": i(minimum=0), "queues": s(pattern="^[A-Za-z0-9_,.-]+$"),
        "tries": i(minimum=0), "timeout": i(minimum=1), "sleep": i(minimum=0), "maxTime": i(minimum=0),
        "resources": ref("resources"), **extraEnv, **sched,
    }),
    "scheduler": obj({"enabled": b(), "kind": s(enum=["Deployment", "CronJob"]), "resources": ref("resources"), **extraEnv, **sched}),
    "autoscaling": obj({
        "enabled": b(), "minReplicas": i(minimum=1), "maxReplicas": i(minimum=1),
        "targetCPUUtilizationPercentage": i(minimum=0, maximum=100),
        "targetMemoryUtilizationPercentage": i(minimum=0, maximum=100), "behavior": anyobj(),
    }),
    "pdb": obj({"enabled": b(), "minAvailable": {"type": ["integer", "string", "null"]},
                "maxUnavailable": {"type": ["integer", "string", "null"]}}),
    "networkPolicy": obj({"enabled": b(), "ingressFrom": anylist("NetworkPolicy peers allowed to reach the storefront")}),
    "tenantPolicy": obj({
        "enabled": b(),
        "resourceQuota": obj({"hard": {"type": "object", "additionalProperties": ref("quantity")}}),
        "limitRange": obj({"default": {"type": "object", "additionalProperties": ref("quantity")},
                           "defaultRequest": {"type": "object", "additionalProperties": ref("quantity")},
                           "max": {"type": "object", "additionalProperties": ref("quantity")}}),
    }),
    "mysql": obj({
        "enabled": b(), "image": ref("image"), "port": port(),
        "auth": obj({"database": s(pattern="^[A-Za-z0-9_]+$"), "username": s(pattern="^[A-Za-z0-9_]+$", maxLength=32),
                     "password": s(), "rootPassword": s()}),
        "runAsUser": ref("uid"), "runAsGroup": ref("uid"),
        "persistence": obj({"storageClass": s(), "accessModes": ref("accessModes"), "size": ref("quantity")}),
        "resources": ref("resources"), **sched,
    }),
    "externalDatabase": obj({"host": s(), "port": port(), "database": s(pattern="^[A-Za-z0-9_]+$"),
                             "username": s(minLength=1), "password": s()}),
    "redis": obj({
        "enabled": b(), "image": ref("image"), "port": port(),
        "auth": obj({"enabled": b(), "password": s()}),
        "runAsUser": ref("uid"), "runAsGroup": ref("uid"),
        "persistence": obj({"storageClass": s(), "accessModes": ref("accessModes"), "size": ref("quantity")}),
        "resources": ref("resources"), **sched,
    }),
    "externalRedis": obj({"host": s(), "port": port(), "password": s(), "usePassword": b(),
                          "scheme": s(enum=["tcp", "tls"])}),
})
values["$schema"] = "http://json-schema.org/draft-07/schema#"
values["title"] = "bagisto chart values"
values["definitions"] = definitions
# store-lib is a library: no values of its own.
values["properties"]["store-lib"] = anyobj("values passed to the store-lib library (unused)")
out = pathlib.Path(__file__).resolve().parent.parent / "values.schema.json"
out.write_text(json.dumps(values, indent=2) + "\n")
print(f"wrote {out}")
