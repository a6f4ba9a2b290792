{{/*
store-lib.storefront.copyPublicFilesScript: the POSIX sh script of the copy-public-files init
container. It reads only PUBLIC_SOURCE, PUBLIC_TARGET, STORAGE_TARGET and STORAGE_LINK_TARGET; it is
idempotent and works with a read-only source tree. The admission webhook reads this file at start
and injects the same text (src/pipeline/mutations/copy-public-files.ts), so the script holds no
template action and stays alone in this file.
*/}}
{{- define "store-lib.storefront.copyPublicFilesScript" -}}
set -eu
: "${PUBLIC_SOURCE:?}" "${PUBLIC_TARGET:?}" "${STORAGE_TARGET:?}" "${STORAGE_LINK_TARGET:?}"
# 1. Empty the shared public dir (a previous run may have left read-only copies).
for entry in "$PUBLIC_TARGET"/* "$PUBLIC_TARGET"/.[!.]* "$PUBLIC_TARGET"/..?*; do
  if [ -L "$entry" ]; then rm -f "$entry"
  elif [ -e "$entry" ]; then chmod -R u+w "$entry" && rm -rf "$entry"
  fi
done
# 2. Copy the image's public files (links kept as links), then make the copy writable.
cp -RP "$PUBLIC_SOURCE"/. "$PUBLIC_TARGET"/
rm -rf "$PUBLIC_TARGET/storage"
for entry in "$PUBLIC_TARGET"/* "$PUBLIC_TARGET"/.[!.]* "$PUBLIC_TARGET"/..?*; do
  if [ -e "$entry" ] && [ ! -L "$entry" ]; then chmod -R u+w "$entry"; fi
done
# 3. Create Laravel's storage tree on the storage volume.
for dir in app/public framework/cache/data framework/sessions framework/views logs; do
  mkdir -p "$STORAGE_TARGET/$dir"
done
# 4. Recreate the public/storage symlink (emptyDirs do not keep the image's link).
rm -f "$PUBLIC_TARGET/storage"
ln -s "$STORAGE_LINK_TARGET" "$PUBLIC_TARGET/storage"
echo "copy-public-files: $PUBLIC_SOURCE -> $PUBLIC_TARGET; storage tree in $STORAGE_TARGET; storage -> $STORAGE_LINK_TARGET"
{{- end -}}
