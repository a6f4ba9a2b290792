// The default render: the storefront pod pattern and the FIXED interface the runtime test reads
// (ConfigMaps <fullname>-nginx / <fullname>-php-fpm, the copy-public-files init container).
import t from 'tap'
import { get, render } from './fixtures/helm.js'

const { objects } = render()
const deploy = get(objects, 'Deployment', 'bagisto')
const pod = deploy.spec.template
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const byName = (list: any[], name: string) => list.find((x) => x.name === name)

t.test('fullname is the release name for release "bagisto", "<release>-bagisto" otherwise', async (t) => {
  t.ok(get(objects, 'ConfigMap', 'bagisto-nginx'))
  const other = render({ release: 'shop' }).objects
  t.ok(get(other, 'Deployment', 'shop-bagisto'))
  t.ok(get(other, 'ConfigMap', 'shop-bagisto-php-fpm'))
  const long = render({ release: 'a'.repeat(53) }).objects
  for (const o of long) {
    const max = ['Service', 'StatefulSet'].includes(o.kind) ? 63 : 253
    t.ok(o.metadata.name.length <= max, `${o.kind}/${o.metadata.name}: name within ${max} characters`)
    t.ok(Object.values(o.metadata.labels ?? {}).every((v) => v.length <= 63), `${o.kind}: label values within 63 characters`)
  }
})

t.test('nginx ConfigMap: the public server block with the contract\'s locations, and the internal status one', async (t) => {
  const full: string = get(objects, 'ConfigMap', 'bagisto-nginx').data['default.conf']
  t.equal(full.match(/^server \{/gm)?.length, 2, 'two server blocks: the public one, then the status one')
  const [conf, status] = full.split(/^(?=server \{)/m).map((b) => b.trim()) as [string, string]
  t.match(status, /^server \{\n\s+listen 8081;/, 'the status server on nginx.statusPort')
  t.notMatch(conf, /stub_status|fpm-status/, 'the public server block serves no status page')
  t.notMatch(conf, /^\s*(user|pid|worker_processes|events|http)\b/m, 'no main-context directives')
  t.match(conf, /listen 8080;/)
  t.match(conf, /root \/var\/www\/html\/public;/)
  t.match(conf, /client_max_body_size 64m;/)
  t.match(conf, /location = \/health \{[^}]*access_log off;[^}]*default_type text\/plain;[^}]*return 200 "ok\\n";/s)
  t.match(conf, /location \^~ \/build\/ \{[^}]*expires[^}]*Cache-Control[^}]*try_files \$uri =404;/s)
  t.match(conf, /location ~\* \\\.\(\?:css\|js[^{]*\{[^}]*expires[^}]*try_files \$uri \/index\.php\?\$query_string;/s)
  t.match(conf, /location \/ \{\s*try_files \$uri \$uri\/ \/index\.php\?\$query_string;/)
  t.match(conf, /location ~ \\\.php\$ \{\s*return 404;\s*\}/, 'no PHP file but the front controller runs')
  t.match(conf, /location = \/index\.php \{[^}]*fastcgi_pass 127\.0\.0\.1:9000;/s)
  t.match(conf, /fastcgi_param SCRIPT_FILENAME\s+\$realpath_root\$fastcgi_script_name;/)
  for (const p of ['QUERY_STRING', 'REQUEST_METHOD', 'CONTENT_TYPE', 'CONTENT_LENGTH', 'REQUEST_URI', 'DOCUMENT_ROOT', 'SERVER_PROTOCOL', 'REMOTE_ADDR', 'SERVER_NAME', 'SERVER_PORT', 'HTTPS']) {
    t.match(conf, new RegExp(`fastcgi_param ${p}\\s`), `fastcgi_param ${p} inline`)
  }
  t.notMatch(conf, /include\s/, 'no include of a distribution-specific file')
  t.match(conf, /location ~ \/\\\.\(\?!well-known\) \{\s*deny all;/)
  t.notMatch(conf, /disable_symlinks on/, 'public/storage symlink is followed')
  // dotfiles are denied before any other regex location can match them
  t.ok(conf.indexOf('(?!well-known)') < conf.indexOf('\\.php$'))
})

t.test('nginx ConfigMap follows the values', async (t) => {
  const conf: string = get(render({ set: { 'nginx.containerPort': 18080, 'php.fpmPort': 19000, 'storefront.appRoot': '/srv/app', 'nginx.clientMaxBodySize': '2m' } }).objects,
    'ConfigMap', 'bagisto-nginx').data['default.conf']
  t.match(conf, /listen 18080;/)
  t.match(conf, /fastcgi_pass 127\.0\.0\.1:19000;/)
  t.match(conf, /root \/srv\/app\/public;/)
  t.match(conf, /client_max_body_size 2m;/)
})

t.test('php-fpm ConfigMap: zz-chart.conf pool fragment', async (t) => {
  const conf: string = get(objects, 'ConfigMap', 'bagisto-php-fpm').data['zz-chart.conf']
  t.match(conf, /^\[www\]$/m)
  t.match(conf, /^listen = (127\.0\.0\.1:)?9000$/m)
  t.match(conf, /^pm = dynamic$/m)
  t.match(conf, /^pm\.max_children = 20$/m)
  t.match(conf, /^ping\.path = \/ping$/m)
  t.match(conf, /^pm\.status_path = \/status$/m)
  t.match(conf, /^clear_env = no$/m)
  t.match(conf, /^php_admin_value\[memory_limit\] = 4G$/m)
  const custom: string = get(render({ set: { 'php.fpmPort': 9100, 'php.pm.mode': 'static', 'php.pm.maxChildren': 7 } }).objects,
    'ConfigMap', 'bagisto-php-fpm').data['zz-chart.conf']
  t.match(custom, /^listen = (127\.0\.0\.1:)?9100$/m)
  t.match(custom, /^pm = static$/m)
  t.match(custom, /^pm\.max_children = 7$/m)
})

t.test('storefront Deployment: init copy-public-files first, bagisto + nginx, shared volumes', async (t) => {
  t.equal(deploy.metadata.labels?.['store.platform.io/role'], 'storefront')
  t.equal(pod.metadata.labels['store.platform.io/role'], 'storefront')
  t.equal(pod.metadata.labels['store.platform.io/tenant'], 'acme', 'tenant defaults to the release namespace')
  t.equal(pod.metadata.labels['app.kubernetes.io/part-of'], 'store-platform')
  t.equal(deploy.spec.replicas, 2)
  t.equal(deploy.spec.strategy.type, 'RollingUpdate')
  const spec = pod.spec
  t.equal(spec.initContainers[0].name, 'copy-public-files', 'copy-public-files is the first init container')
  t.same(spec.containers.map((c: { name: string }) => c.name), ['bagisto', 'nginx'])
  const init = spec.initContainers[0]
  const app = byName(spec.containers, 'bagisto')
  const nginx = byName(spec.containers, 'nginx')
  t.equal(init.image, app.image, 'init container runs the app image')
  t.same(init.command.slice(0, 2), ['/bin/sh', '-ec'])
  const env = Object.fromEntries(init.env.map((e: { name: string; value: string }) => [e.name, e.value]))
  t.same(env, { PUBLIC_SOURCE: '/var/www/html/public', PUBLIC_TARGET: '/public-shared', STORAGE_TARGET: '/storage-shared', STORAGE_LINK_TARGET: '/var/www/html/storage/app/public' })
  t.same(init.volumeMounts, [{ name: 'bagisto-public', mountPath: '/public-shared' }, { name: 'bagisto-storage', mountPath: '/storage-shared' }])
  const script: string = init.command[2]
  const vars = new Set([...script.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]))
  t.same([...vars].filter((v) => v !== 'entry' && v !== 'dir').sort(), ['PUBLIC_SOURCE', 'PUBLIC_TARGET', 'STORAGE_LINK_TARGET', 'STORAGE_TARGET'], 'the script reads only the four env vars')
  t.match(script, /cp -R/)
  t.match(script, /chmod -R u\+w/)
  t.match(script, /rm -f "\$PUBLIC_TARGET\/storage"\nln -s "\$STORAGE_LINK_TARGET" "\$PUBLIC_TARGET\/storage"/)
  for (const d of ['app/public', 'framework/cache/data', 'framework/sessions', 'framework/views', 'logs']) t.match(script, d)

  t.same(app.ports, [{ name: 'fastcgi', containerPort: 9000, protocol: 'TCP' }])
  t.same(nginx.ports, [{ name: 'http', containerPort: 8080, protocol: 'TCP' }, { name: 'status', containerPort: 8081, protocol: 'TCP' }])
  const mount = (c: { volumeMounts: { name: string; mountPath: string; readOnly?: boolean; subPath?: string }[] }, n: string) => c.volumeMounts.find((m) => m.name === n)
  t.same(mount(app, 'bagisto-public'), { name: 'bagisto-public', mountPath: '/var/www/html/public' })
  t.same(mount(app, 'bagisto-storage'), { name: 'bagisto-storage', mountPath: '/var/www/html/storage' })
  t.same(mount(app, 'php-fpm-config'), { name: 'php-fpm-config', mountPath: '/usr/local/etc/php-fpm.d/zz-chart.conf', subPath: 'zz-chart.conf', readOnly: true })
  t.same(mount(nginx, 'bagisto-public'), { name: 'bagisto-public', mountPath: '/var/www/html/public', readOnly: true })
  t.same(mount(nginx, 'bagisto-storage'), { name: 'bagisto-storage', mountPath: '/var/www/html/storage', readOnly: true })
  t.same(mount(nginx, 'nginx-config'), { name: 'nginx-config', mountPath: '/etc/nginx/conf.d', readOnly: true })
  const paths = (c: { volumeMounts: { mountPath: string }[] }) => c.volumeMounts.map((m) => m.mountPath)
  t.ok(['/var/cache/nginx', '/var/run', '/tmp'].every((p) => paths(nginx).includes(p)), 'nginx writable paths are emptyDirs')
  t.ok(['/tmp', '/var/www/html/bootstrap/cache'].every((p) => paths(app).includes(p)), 'PHP /tmp and bootstrap/cache are emptyDirs')
  const vol = (n: string) => byName(spec.volumes, n)
  t.ok(vol('bagisto-public').emptyDir, 'bagisto-public is an emptyDir')
  t.same(vol('bagisto-storage').persistentVolumeClaim, { claimName: 'bagisto-storage' })
  t.same(vol('nginx-config').configMap, { name: 'bagisto-nginx' })
  t.same(vol('php-fpm-config').configMap, { name: 'bagisto-php-fpm' })
  t.ok(pod.metadata.annotations['checksum/nginx'], 'config changes roll the pods')
})

t.test('probes: php-fpm ping (startup: its port), nginx /health', async (t) => {
  const app = byName(pod.spec.containers, 'bagisto')
  const nginx = byName(pod.spec.containers, 'nginx')
  t.same(app.startupProbe.tcpSocket, { port: 'fastcgi' }, 'bagisto startupProbe')
  for (const p of ['readinessProbe', 'livenessProbe']) {
    // run against a real php-fpm by test/runtime
    t.match(app[p].exec.command.join(' '), /SCRIPT_NAME=\/ping .*cgi-fcgi -bind -connect 127\.0\.0\.1:9000 \| grep -q pong$/, `bagisto ${p}: php-fpm's ping page`)
  }
  for (const p of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
    t.same(nginx[p].httpGet, { path: '/health', port: 'http' }, `nginx ${p}`)
  }
})

t.test('storage PVC: ReadWriteMany by default, existingClaim replaces it', async (t) => {
  const pvc = get(objects, 'PersistentVolumeClaim', 'bagisto-storage')
  t.same(pvc.spec.accessModes, ['ReadWriteMany'])
  t.equal(pvc.spec.resources.requests.storage, '10Gi')
  const other = render({ set: { 'persistence.existingClaim': 'shared-store' } }).objects
  t.notOk(other.find((o) => o.kind === 'PersistentVolumeClaim'), 'no PVC created')
  const vols = get(other, 'Deployment', 'bagisto').spec.template.spec.volumes
  t.same(byName(vols, 'bagisto-storage').persistentVolumeClaim, { claimName: 'shared-store' })
})

t.test('Service targets nginx; ServiceAccount does not mount tokens', async (t) => {
  const svc = get(objects, 'Service', 'bagisto')
  t.same(svc.spec.ports, [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }])
  t.same(svc.spec.selector, { ...deploy.spec.selector.matchLabels, 'store.platform.io/tenant': 'acme' }, 'the Deployment\'s selector plus the tenant')
  t.equal(get(objects, 'ServiceAccount', 'bagisto').automountServiceAccountToken, false)
})

t.test('app env: ConfigMap (no .env file), secrets by key', async (t) => {
  const env = get(objects, 'ConfigMap', 'bagisto-env').data
  t.equal(env.DB_HOST, 'bagisto-mysql')
  t.equal(env.REDIS_HOST, 'bagisto-redis')
  t.equal(env.SESSION_DRIVER, 'redis')
  t.equal(env.QUEUE_CONNECTION, 'redis')
  t.equal(env.APP_ENV, 'production')
  t.equal(env.APP_DEBUG, 'false')
  const app = byName(pod.spec.containers, 'bagisto')
  t.same(app.envFrom, [{ configMapRef: { name: 'bagisto-env' } }])
  t.same(app.env.map((e: { name: string }) => e.name), ['APP_KEY', 'DB_PASSWORD', 'REDIS_PASSWORD'])
  t.notOk(JSON.stringify(app).includes('MYSQL_ROOT_PASSWORD'), 'the app never sees the root password')
})
