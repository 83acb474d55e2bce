# Configures and builds one flavour of the tree. Sourced (after common.sh).
# [BUILD_TARGETS="T1 T2? ..."] build_tree DIR [cmake args...]
#   BUILD_TARGETS: build only these targets (default: all); one ending in ? is built only where the
#   configured tree has it (some exist only when their client library is found).
build_tree() {
    local dir=$1; shift
    cmake -S "$ROOT" -B "$dir" -DATHANOR_WERROR=ON "$@" >"$dir.configure.log" 2>&1 \
        || { cat "$dir.configure.log"; die "cmake configure failed for $dir"; }
    local wanted=() targets=() t help=""
    read -ra wanted <<<"${BUILD_TARGETS:-}"
    for t in "${wanted[@]}"; do
        if [[ $t != *\? ]]; then
            targets+=("$t")
            continue
        fi
        [ -n "$help" ] || help=$(cmake --build "$dir" --target help)
        if grep -q "\b${t%\?}\b" <<<"$help"; then targets+=("${t%\?}"); fi
    done
    local build=(cmake --build "$dir" -j "$(ncpu)")
    [ ${#targets[@]} -eq 0 ] || build+=(--target "${targets[@]}")
    "${build[@]}" >"$dir.build.log" 2>&1 \
        || { tail -50 "$dir.build.log"; die "build failed for $dir"; }
}
