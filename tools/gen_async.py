#!/usr/bin/env python3
"""Writes the async twin of every blocking repository and session function.

    tools/gen_async.py [--check] [source-dir]

From the prototypes in include/athanor/{repository,session,schema}.h it writes
include/athanor/async_ops.h (declarations) and core/async_ops.c (one argument struct, one
runner and one starter per function). With --check it writes nothing and fails when either
file differs from what it would write (the test suite runs it so, so the two never drift from
the blocking API).
"""
import re
import sys
from pathlib import Path

# (header, function) in the order they are declared in async_ops.h
FUNCTIONS = [
    ("repository.h", n) for n in [
        "ath_repo_add", "ath_repo_add_many", "ath_repo_update", "ath_repo_update_fields",
        "ath_repo_update_where", "ath_repo_update_many", "ath_repo_update_many_fields",
        "ath_repo_upsert", "ath_repo_upsert_many", "ath_repo_get_or_upsert",
        "ath_repo_get_or_upsert_fields", "ath_repo_get_and_update",
        "ath_repo_get_and_update_opts", "ath_repo_delete", "ath_repo_delete_object",
        "ath_repo_delete_many", "ath_repo_delete_where", "ath_repo_get", "ath_repo_get_opts",
        "ath_repo_get_one", "ath_repo_get_one_or_none", "ath_repo_list", "ath_repo_iter_open",
        "ath_repo_iter_next", "ath_repo_iter_free", "ath_repo_list_and_count", "ath_repo_count",
        "ath_repo_exists", "ath_repo_list_load", "ath_repo_get_load", "ath_repo_add_graph",
    ]
] + [
    ("session.h", n) for n in [
        "ath_session_begin", "ath_session_commit", "ath_session_rollback",
        "ath_session_savepoint", "ath_session_release", "ath_session_rollback_to",
        "ath_session_execute", "ath_result_next", "ath_result_free",
    ]
] + [
    ("schema.h", n) for n in ["ath_create_all", "ath_drop_all"]
]

# input arrays copied into the operation (pointer parameter, its count parameter), so that a
# compound literal (ATH_FILTERS(...), ATH_KEY(...), a field list) may end with the caller's
# block; what their elements point to (strings, blobs, nested filter groups) is not copied
COPIES = {
    "filters": "nfilters", "key": "nkey", "fields": "nfields", "match_fields": "nmatch",
    "load": "nload", "paths": "npaths", "params": "nparams", "values": "nfields",
}

# how a starter finds the ath_session its operation runs on, by the type of its handle
HANDLES = {
    "ath_repo *": "ath_repo_session({name})",
    "ath_session *": "{name}",
    "ath_repo_iter *": "ath_repo_iter_session({name})",
    "ath_result *": "ath_result_session({name})",
    "ath_engine *": None,  # replaced by the async session itself
}


def prototypes(text):
    """Yields (return type, name, parameter text) of every ATH_API declaration."""
    for m in re.finditer(r"ATH_API\s+([\w\s\*]+?)\s*\b(ath_\w+)\s*\(([^;]*?)\)\s*;", text, re.S):
        yield " ".join(m.group(1).split()), m.group(2), " ".join(m.group(3).split())


def split_param(p):
    m = re.match(r"(.*?)(\w+)$", p.strip())
    ctype = " ".join(m.group(1).replace("*", " * ").split()).replace("* *", "**")
    ctype = re.sub(r"\s+\*", " *", ctype).replace("* const", "*const")
    return ctype.strip(), m.group(2)


def wrap(head, args, tail, width=100, brackets="()"):
    """`head(arg, arg…)tail`, continuation lines aligned after the parenthesis."""
    lines, line = [], head + brackets[0]
    indent = " " * len(line)
    for i, a in enumerate(args):
        piece = a + (", " if i < len(args) - 1 else brackets[1] + tail)
        if len(line) + len(piece.rstrip()) > width and line != indent and \
                line != head + brackets[0]:
            lines.append(line.rstrip())
            line = indent
        line += piece
    lines.append(line)
    return "\n".join(lines) + "\n"


def render_type(ctype):
    """A type as written before a name: 'const char *const *' stays glued to the name."""
    return ctype if ctype.endswith("*") else ctype + " "


def load(src):
    found = {}
    for header in {h for h, _ in FUNCTIONS}:
        for ret, name, params in prototypes((src / "include/athanor" / header).read_text()):
            found[name] = (ret, [split_param(p) for p in params.split(",")] if params else [])
    out = []
    for header, name in FUNCTIONS:
        if name not in found:
            sys.exit(f"gen_async: {name} is not declared in include/athanor/{header}")
        ret, params = found[name]
        handle = next((i for i, (t, _) in enumerate(params) if t in HANDLES), None)
        if handle is None:
            sys.exit(f"gen_async: {name} has no repository, session, iterator or result parameter")
        out.append((name, ret, params, handle))
    return out


def async_name(name):
    return "ath_async_" + name[len("ath_"):]


def starter_params(params, handle):
    shown = []
    for i, (t, n) in enumerate(params):
        if i == handle and t == "ath_engine *":
            shown.append("ath_async_session *session")
        else:
            shown.append(render_type(t) + n)
    return shown


HEADER_TOP = """/* Athanor — the async twin of every blocking repository, session and schema function.
 * GENERATED by tools/gen_async.py from repository.h, session.h and schema.h: do not edit.
 *
 * ath_async_X(id, <the arguments of ath_X>, done, user) starts ath_X on the handle's async
 * session and returns ATH_OK (done(op, rc, user) runs later with ath_X's result) or a negative
 * code without starting anything (see async.h). Functions that take an engine in the blocking
 * API (ath_create_all, ath_drop_all) take the async session instead and run on its engine. */
#ifndef ATHANOR_ASYNC_OPS_H
#define ATHANOR_ASYNC_OPS_H

#include "async.h"

ATH_BEGIN_DECLS

"""


def write_header(funcs):
    lines = [HEADER_TOP]
    for name, ret, params, handle in funcs:
        args = ["ath_async_id *id"] + starter_params(params, handle) + ["ath_async_done_fn done", "void *user"]
        lines.append(f"/** Starts {name}(). */\n")
        lines.append(wrap(f"ATH_API int {async_name(name)}", args, ";"))
    lines.append("\nATH_END_DECLS\n\n#endif\n")
    return "".join(lines)


SOURCE_TOP = """/* The async twin of every blocking repository, session and schema function.
 * GENERATED by tools/gen_async.py: do not edit. Each starter copies its arguments into the
 * operation (core/async.c) and each runner calls the blocking function with them. */
#include <athanor/async.h>
#include <athanor/schema.h>

#include <stddef.h>

#include "async_int.h"
#include "error.h"
#include "session.h"

"""


def write_source(funcs):
    out = [SOURCE_TOP]
    for name, ret, params, handle in funcs:
        short = name[len("ath_"):]
        ht, hn = params[handle]
        out.append(f"/* --- {name} */\n\nstruct args_{short} {{\n")
        for t, n in params:
            if t == "ath_engine *":
                continue
            out.append(f"    {render_type(t)}{n};\n")
        if all(t == "ath_engine *" for t, _ in params):
            out.append("    char unused;\n")
        out.append("};\n\n")
        call = ", ".join("ath_session_engine(session)" if t == "ath_engine *" else f"a->{n}"
                         for t, n in params)
        out.append(f"static int run_{short}(ath_session *session, void *args)\n{{\n")
        out.append(f"    struct args_{short} *a = args;\n")
        uses_session = any(t == "ath_engine *" for t, _ in params)
        if not uses_session:
            out.append("    (void)session;\n")
        if params and all(t == "ath_engine *" for t, _ in params):
            out.append("    (void)a;\n")
        cargs = call.split(", ") if call else []
        if ret == "void":
            out.append(wrap(f"    {name}", cargs, ";") + "    return ATH_OK;\n}\n\n")
        else:
            out.append(wrap(f"    return {name}", cargs, ";") + "}\n\n")
        sp = starter_params(params, handle)
        args = ["ath_async_id *id"] + sp + ["ath_async_done_fn done", "void *user"]
        out.append(wrap(f"int {async_name(name)}", args, "") + "{\n")
        if ht == "ath_engine *":
            target = "session"
            out.append(f"    if (!session)\n        return ath_null_arg(__func__, \"session\");\n")
        else:
            out.append(f"    if (!{hn})\n        return ath_null_arg(__func__, \"{hn}\");\n")
            target = None
        inits = [f".{n} = {n}" for t, n in params if t != "ath_engine *"] or ["0"]
        out.append(wrap(f"    struct args_{short} a = ", inits, ";", brackets="{}"))
        names = {n for _, n in params}
        copies = [(n, COPIES[n]) for t, n in params
                  if n in COPIES and COPIES[n] in names and t.startswith("const ")]
        if copies:
            out.append("    const ath_async_copy copies[] = {\n")
            for n, count in copies:
                out.append(wrap("        ", [f"offsetof(struct args_{short}, {n})",
                                            f"sizeof *a.{n}", count], ",", brackets="{}"))
            out.append("    };\n")
            copy_args = ["copies", f"{len(copies)}"]
        else:
            copy_args = ["NULL", "0"]
        if target:
            out.append(wrap("    return ath_async_start", ["id", "session", "__func__", f'"{name}"',
                            f"run_{short}", "&a", "sizeof a"] + copy_args + ["done", "user"],
                            ";") + "}\n\n")
        else:
            expr = HANDLES[ht].format(name=hn)
            out.append(wrap("    return ath_async_start_on", ["id", expr, "__func__", f'"{name}"',
                            f"run_{short}", "&a", "sizeof a"] + copy_args + ["done", "user"],
                            ";") + "}\n\n")
    return "".join(out)


MISUSE_TOP = """/* The misuse table's entries for the generated async starters: each refuses a NULL handle.
 * GENERATED by tools/gen_async.py: do not edit. Included by table_null.c. */

"""


def zero_of(t):
    if t.endswith("*"):
        return "NULL"
    if t in ("bool",):
        return "false"
    return "0"


def write_misuse(funcs):
    out = [MISUSE_TOP]
    entries = []
    for name, ret, params, handle in funcs:
        short = name[len("ath_"):]
        ht, hn = params[handle]
        args = ["NULL"] + [zero_of(t) for t, n in params] + ["misuse_async_done", "NULL"]
        arg_name = "session" if ht == "ath_engine *" else hn
        out.append(f"static void async_{short}(void)\n{{\n")
        out.append(wrap(f"    NULL_ARG({async_name(name)}", args, "") [:-1] +
                   f", \"{arg_name}\");\n")
        out.append("}\n")
        entries.append(f"E(async_{short})")
    out.append("\n#define ATH_ASYNC_MISUSE_ENTRIES \\\n")
    out.append("".join(f"    {e}, \\\n" for e in entries))
    out.append("    /* end */\n")
    return "".join(out)


def main(argv):
    check = "--check" in argv
    rest = [a for a in argv if a != "--check"]
    src = Path(rest[0]) if rest else Path(__file__).resolve().parent.parent
    funcs = load(src)
    files = {
        src / "include/athanor/async_ops.h": write_header(funcs),
        src / "core/async_ops.c": write_source(funcs),
        src / "tests/reliability/misuse/table_async.h": write_misuse(funcs),
    }
    stale = []
    for path, text in files.items():
        if path.exists() and path.read_text() == text:
            continue
        if check:
            stale.append(str(path.relative_to(src)))
        else:
            path.write_text(text)
    if stale:
        sys.exit("gen_async: out of date (run tools/gen_async.py): " + ", ".join(stale))
    print(f"gen_async: {len(funcs)} functions" + (" up to date" if check else ""))


if __name__ == "__main__":
    main(sys.argv[1:])
