#!/usr/bin/env bash
# Model descriptors the macros must refuse at compile time: a member whose C type does not fit
# its kind, and an array where the kind needs a pointer (`char name[8]` as text decays to
# char * in an expression; Athanor would read its bytes as a pointer). Each control compiles.
set -euo pipefail
ROOT=${1:?usage: check-model-refusals.sh ROOT [BUILD]}
BUILD=${2:-$ROOT/build/release}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
compile() { # name, expected (ok|refused), member declaration, kind [compiler]
    cat > "$tmp/$1.c" <<C
#include <athanor/athanor.h>
typedef struct M { int64_t id; $3; } M;
static const ath_field fields[] = {ATH_FIELD(M, id, i64, .flags = ATH_PK),
                                   ATH_FIELD(M, name, $4)};
const ath_model M_model = ATH_MODEL_OF(M, "m", fields);
C
    if [ "${5:-c}" = c++ ]; then
        cp "$tmp/$1.c" "$tmp/$1.cpp"
        cc=(g++ -std=c++17 "$tmp/$1.cpp")
    else
        cc=(gcc -std=c11 "$tmp/$1.c")
    fi
    if "${cc[@]}" -Wall -Wextra -Wpedantic -Werror -I"$ROOT/include" -I"$BUILD/include" \
        -c -o "$tmp/$1.o" 2> "$tmp/$1.err"; then got=ok; else got=refused; fi
    if [ "$got" != "$2" ]; then
        echo "FAIL: $1: expected $2, got $got"; cat "$tmp/$1.err"; exit 1
    fi
    n=$((n + 1))
}
compile text_pointer       ok      "char *name"        text
compile text_const_pointer ok      "const char *name"  text
compile text_array         refused "char name[8]"      text
compile json_array         refused "char name[16]"     json
compile numeric_array      refused "char name[32]"     numeric
compile opt_text_array     refused "char name[8]"      opt_text
compile i64_as_text        refused "int64_t name"      text
compile text_as_i32        refused "char *name"        i32
compile i32_array          refused "int32_t name[1]"   i32
# the same rules from C++17
compile cxx_text_pointer   ok      "char *name"        text c++
compile cxx_text_array     refused "char name[8]"      text c++
compile cxx_i64_as_text    refused "int64_t name"      text c++
compile cxx_opt_i32        ok      "ath_opt_i32 name"  opt_i32 c++
compile cxx_i32_as_opt     refused "int32_t name"      opt_i32 c++
echo "SUMMARY tests=$n failed_tests=0 (model members refused at compile time, C11 and C++17)"
