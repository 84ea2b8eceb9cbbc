#!/usr/bin/env bash
# Put MathJax 3 and the ipywidgets HTML embed manager into _vendor/ from the npm registry, so the
# built site needs no CDN, and axe-core (the accessibility checker the browser tests inject) into
# _build/test-assets/. If npm is missing or the registry cannot be reached, say so: the build
# falls back to the CDN (the site then needs the internet to render maths and widgets), and the
# accessibility tests fail, saying to run `make vendor`.
set -uo pipefail
cd "$(dirname "$0")/.."
V=_vendor
T=_build/test-assets
MATHJAX=mathjax@3.2.2
REQUIREJS=requirejs@2.3.8
HTML_MANAGER=@jupyter-widgets/html-manager@1.0.15
AXE=axe-core@4.14.1
LAYOUT=2   # bump when what is kept of the packages changes

warn() { echo "WARNING-NOT-SELF-CONTAINED: $*; the site will load MathJax and widgets from a CDN." >&2; }

vendor_site() {
    if [ -f "$V/mathjax/tex-chtml.js" ] && [ -f "$V/jw/require.js" ] && [ -f "$V/jw/hm/embed-amd.js" ] \
       && [ "$(cat "$V/.versions" 2>/dev/null)" = "$MATHJAX $REQUIREJS $HTML_MANAGER $LAYOUT" ]; then
        return 0
    fi
    command -v npm > /dev/null 2>&1 || { warn "npm not found"; return 0; }
    local tmp; tmp=$(mktemp -d)
    ( cd "$tmp" && npm pack --silent "$MATHJAX" "$REQUIREJS" "$HTML_MANAGER" > packs.txt 2> npm.log ) \
        || { warn "npm pack failed ($(tail -1 "$tmp/npm.log" 2>/dev/null))"; rm -rf "$tmp"; return 0; }
    rm -rf "$V" && mkdir -p "$V/mathjax" "$V/jw/hm"
    tar -xzf "$tmp"/mathjax-*.tgz -C "$tmp" && cp -r "$tmp/package/es5/." "$V/mathjax/" && rm -rf "$tmp/package"
    tar -xzf "$tmp"/requirejs-*.tgz -C "$tmp" && cp "$tmp/package/require.js" "$V/jw/require.js" && rm -rf "$tmp/package"
    tar -xzf "$tmp"/jupyter-widgets-html-manager-*.tgz -C "$tmp" && cp -r "$tmp/package/dist/." "$V/jw/hm/"
    # The embed manager loads its icon fonts relative to the page, from
    # <page dir>/@jupyter-widgets/html-manager/dist/; widget pages live in chapters/.
    local fonts="$V/chapters/@jupyter-widgets/html-manager/dist"
    mkdir -p "$fonts" && cp "$V"/jw/hm/*.woff "$V"/jw/hm/*.woff2 "$V"/jw/hm/*.ttf "$V"/jw/hm/*.eot "$V"/jw/hm/*.svg "$fonts/"
    # The source map and the non-AMD bundle are never loaded by the site (9 MB)
    rm -f "$V"/jw/hm/*.map "$V"/jw/hm/embed.js "$V"/jw/hm/libembed-amd.js
    echo "$MATHJAX $REQUIREJS $HTML_MANAGER $LAYOUT" > "$V/.versions"
    rm -rf "$tmp"
    echo "vendored $MATHJAX, $REQUIREJS and $HTML_MANAGER into $V/ (the site is self-contained)"
}

vendor_tests() {
    if [ -f "$T/axe.min.js" ] && [ "$(cat "$T/.versions" 2>/dev/null)" = "$AXE" ]; then
        return 0
    fi
    command -v npm > /dev/null 2>&1 || { echo "npm not found: axe-core not vendored" >&2; return 0; }
    local tmp; tmp=$(mktemp -d)
    if ( cd "$tmp" && npm pack --silent "$AXE" > packs.txt 2> npm.log ); then
        mkdir -p "$T" && tar -xzf "$tmp"/axe-core-*.tgz -C "$tmp" && cp "$tmp/package/axe.min.js" "$T/axe.min.js"
        echo "$AXE" > "$T/.versions"
        echo "vendored $AXE into $T/ (for the browser tests)"
    else
        echo "npm pack $AXE failed ($(tail -1 "$tmp/npm.log" 2>/dev/null)): axe-core not vendored" >&2
    fi
    rm -rf "$tmp"
}

vendor_site
vendor_tests
exit 0
