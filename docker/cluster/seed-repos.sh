#!/bin/sh
# Creates each named bare repository under $1 with one commit on main, unless it exists already.
set -eu
base="$1"; shift
for name in "$@"; do
  bare="$base/$name.git"
  [ -d "$bare" ] && continue
  git init -q --bare -b main "$bare"
  work=$(mktemp -d)
  git -C "$work" init -q -b main
  printf '# %s\n\nKept by patchbay.\n' "$name" > "$work/README.md"
  git -C "$work" add README.md
  git -C "$work" -c user.name=patchbay -c user.email=patchbay@localhost commit -q -m "Seed $name"
  git -C "$work" push -q "$bare" main
  rm -rf "$work"
done
