#!/usr/bin/env bash
# Renders the app icon from icon.svg (and the taskbar badge from badge.svg) into every file the
# app and the installers use. The outputs are committed; run this again after editing an SVG.
# Needs Debian's librsvg2-bin (rsvg-convert), icoutils (icotool) and icnsutils (png2icns).
set -euo pipefail
cd "$(dirname "$0")"

mkdir -p icons
for size in 16 24 32 48 64 128 256 512 1024; do
  rsvg-convert -w "$size" -h "$size" icon.svg -o "icons/${size}x${size}.png"
done
cp icons/1024x1024.png icon.png
# The tray shows 16-24 px on Linux and Windows; 32 px stays sharp on high-density screens.
cp icons/32x32.png tray.png
rsvg-convert -w 16 -h 16 badge.svg -o badge.png

icotool --create --output icon.ico \
  icons/16x16.png icons/24x24.png icons/32x32.png icons/48x48.png icons/64x64.png \
  --raw=icons/256x256.png
png2icns icon.icns \
  icons/16x16.png icons/32x32.png icons/48x48.png icons/128x128.png icons/256x256.png \
  icons/512x512.png icons/1024x1024.png >/dev/null
