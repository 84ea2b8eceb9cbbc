#!/usr/bin/env bash
# Put MathJax 3 and the ipywidgets HTML embed manager into _vendor/ from the npm registry, so the
# built site needs no CDN. If npm is missing or the registry cannot be reached, say so and let
# the build fall back to the CDN (the site then needs the internet to render maths and widgets).
set -uo pipefail
cd "$(dirname "$0")/.."
V=_vendor
MATHJAX=mathjax@3.2.2
REQUIREJS=requirejs@2.3.8
HTML_MANAGER=@jupyter-widgets/html-manager@1.0.15

if [ -f "$V/mathjax/tex-chtml.js" ] && [ -f "$V/jw/require.js" ] && [ -f "$V/jw/hm/embed-amd.js" ] \
   && [ "$(cat "$V/.versions" 2>/dev/null)" = "$MATHJAX $REQUIREJS $HTML_MANAGER" ]; then
    exit 0
fi
warn() { echo "WARNING-NOT-SELF-CONTAINED: $*; the site will load MathJax and widgets from a CDN." >&2; exit 0; }
command -v npm > /dev/null 2>&1 || warn "npm not found"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
( cd "$tmp" && npm pack --silent "$MATHJAX" "$REQUIREJS" "$HTML_MANAGER" > packs.txt 2> npm.log ) \
    || warn "npm pack failed ($(tail -1 "$tmp/npm.log" 2>/dev/null))"
rm -rf "$V" && mkdir -p "$V/mathjax" "$V/jw/hm"
tar -xzf "$tmp"/mathjax-*.tgz -C "$tmp" && cp -r "$tmp/package/es5/." "$V/mathjax/" && rm -rf "$tmp/package"
tar -xzf "$tmp"/requirejs-*.tgz -C "$tmp" && cp "$tmp/package/require.js" "$V/jw/require.js" && rm -rf "$tmp/package"
tar -xzf "$tmp"/jupyter-widgets-html-manager-*.tgz -C "$tmp" && cp -r "$tmp/package/dist/." "$V/jw/hm/"
# The embed manager loads its icon fonts relative to the page, from
# <page dir>/@jupyter-widgets/html-manager/dist/; widget pages live in chapters/.
fonts="$V/chapters/@jupyter-widgets/html-manager/dist"
mkdir -p "$fonts" && cp "$V"/jw/hm/*.woff "$V"/jw/hm/*.woff2 "$V"/jw/hm/*.ttf "$V"/jw/hm/*.eot "$V"/jw/hm/*.svg "$fonts/"
echo "$MATHJAX $REQUIREJS $HTML_MANAGER" > "$V/.versions"
echo "vendored $MATHJAX, $REQUIREJS and $HTML_MANAGER into $V/ (the site is self-contained)"
