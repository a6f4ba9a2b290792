# Certificates for the local control plane (sourced by up.sh): one CA, the API server's serving
# cert, client certs per component, the service account key pair and the webhook's serving cert.
# EC P-256 keys (fast), 1 year validity. Uses openssl.

# leaf NAME SUBJECT EXTENSIONS: key + cert signed by the CA in $PKI.
pki_leaf() {
  local name=$1 subj=$2 ext=$3
  openssl ecparam -name prime256v1 -genkey -noout -out "$PKI/$name.key" 2>/dev/null
  openssl req -new -key "$PKI/$name.key" -subj "$subj" -out "$PKI/$name.csr" 2>/dev/null
  printf '%b\n' "$ext" > "$PKI/$name.ext"
  openssl x509 -req -in "$PKI/$name.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial \
    -days 365 -sha256 -extfile "$PKI/$name.ext" -out "$PKI/$name.crt" 2>/dev/null
  rm -f "$PKI/$name.csr" "$PKI/$name.ext"
}

pki_client() { pki_leaf "$1" "$2" 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth'; }

pki_generate() {
  rm -rf "$PKI"; mkdir -p "$PKI"; chmod 700 "$PKI"
  openssl ecparam -name prime256v1 -genkey -noout -out "$PKI/ca.key" 2>/dev/null
  openssl req -x509 -new -key "$PKI/ca.key" -subj "/CN=store-admission-testenv-ca" -days 365 -sha256 \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" \
    -out "$PKI/ca.crt" 2>/dev/null
  pki_leaf apiserver "/CN=kube-apiserver" \
    "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
  pki_leaf webhook "/CN=store-admission.store-admission.svc" \
    "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost,DNS:store-admission.store-admission.svc"
  pki_client admin "/O=system:masters/CN=testenv-admin"
  pki_client kube-controller-manager "/CN=system:kube-controller-manager"
  pki_client kube-scheduler "/CN=system:kube-scheduler"
  pki_client kwok "/O=system:masters/CN=testenv-kwok"
  pki_client provisioner "/O=system:masters/CN=testenv-provisioner"
  # The webhook acts as its in-cluster service account would, so the RBAC in manifests/webhook is what it gets.
  pki_client webhook-client "/CN=system:serviceaccount:store-admission:store-admission/O=system:serviceaccounts/O=system:serviceaccounts:store-admission"
  pki_client apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client"
  openssl genrsa -out "$PKI/sa.key" 2048 2>/dev/null
  openssl rsa -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null
  rm -f "$PKI/ca.srl"
}

# pki_kubeconfig FILE SERVER CLIENT: a kubeconfig using the CA and the client cert CLIENT.
pki_kubeconfig() {
  local file=$1 server=$2 client=$3
  rm -f "$file"
  local k=("$BIN/kubectl" --kubeconfig "$file")
  "${k[@]}" config set-cluster testenv --server "$server" --certificate-authority "$PKI/ca.crt" --embed-certs >/dev/null
  "${k[@]}" config set-credentials "$client" --client-certificate "$PKI/$client.crt" --client-key "$PKI/$client.key" --embed-certs >/dev/null
  "${k[@]}" config set-context testenv --cluster testenv --user "$client" >/dev/null
  "${k[@]}" config use-context testenv >/dev/null
  chmod 600 "$file"
}
