#!/bin/sh
# The gait module built outside the project against the installed API headers only, then
# listed by the station as loadable.  usage: build-and-load.sh BUILD_DIR SOURCE_DIR STATION
set -e
build=$1 source=$2 station=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" --component module_api >/dev/null
test ! -e "$work/prefix/include/ft" || { echo "FibreTrack's internal headers were installed"; exit 1; }
cmake -S "$source/tests/station/gait-standalone" -B "$work/build" -G Ninja \
  -DFIBRETRACK_PREFIX="$work/prefix" -DGAIT_SOURCES="$source/plugin/modules/gait" >/dev/null
cmake --build "$work/build" >/dev/null
mkdir "$work/modules"
cp "$work/build/gait_module.so" "$work/modules/"
QT_QPA_PLATFORM=offscreen FIBRETRACK_MODULE_PATH= "$station" --list-modules --no-default-modules --module-dir "$work/modules"
