# Configures and builds one flavour of the tree. Sourced.
# build_tree DIR [cmake args...]
build_tree() {
    local dir=$1; shift
    cmake -S "$ROOT" -B "$dir" -DATHANOR_WERROR=ON "$@" >"$dir.configure.log" 2>&1 \
        || { cat "$dir.configure.log"; die "cmake configure failed for $dir"; }
    cmake --build "$dir" -j "$(jobs)" >"$dir.build.log" 2>&1 \
        || { tail -50 "$dir.build.log"; die "build failed for $dir"; }
}
