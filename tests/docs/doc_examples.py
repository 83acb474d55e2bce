#!/usr/bin/env python3
"""Every C example in README.md and docs/*.md compiles, and every complete program runs.

A ```c block with a main() is a program: it is compiled against the build tree and run (no
arguments: SQLite in memory), and must exit 0 — and print what the block's following ```text
block shows, when there is one. Any other ```c block is a set of declarations (models, mixins,
hooks) and must compile on its own with the public headers, -Wall -Wextra -Werror. A block that
needs surroundings names them on the line before its fence:

  <!-- compile: NAME -->      the block is put into tests/docs/contexts/NAME.c at @@BLOCK@@
                              (a model, variables, a main() that runs it) and compiled — and
                              run, when the context has a main();
  <!-- compile: after-previous -->  the block continues the page's previous compiled
                              declaration block (it is compiled after it, in one file);
  <!-- fragment of PATH -->   an excerpt (elisions written …) of PATH, a file of this
                              repository that the test suite builds; only PATH's existence is
                              checked.

usage: doc_examples.py ROOT BUILD
"""
import glob, os, re, subprocess, sys, tempfile

root, build = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
files = [os.path.join(root, "README.md")] + sorted(glob.glob(os.path.join(root, "docs", "*.md")))
fence = re.compile(r"^(?:<!-- (compile: [\w-]+|fragment of [^ ]+) -->\n)?```c\n(.*?)^```\n"
                   r"(?:\n?```text\n(.*?)^```\n)?", re.S | re.M)
headers = ("#include <athanor/athanor.h>\n#include <athanor/mixins.h>\n"
           "#include <athanor/json.h>\n#include <athanor/cli.h>\n#include <stdio.h>\n"
           "#include <stdlib.h>\n#include <string.h>\n")
inc = ["-I" + os.path.join(root, "include"), "-I" + os.path.join(build, "include"),
       "-I" + os.path.join(root, "plugins", "include"), "-I" + os.path.join(root, "tests", "docs",
                                                                          "contexts")]
libdir = os.path.join(build, "lib")
libs = ["-L" + libdir, "-Wl,-rpath," + libdir, "-lathanor_cli", "-lathanor_json",
        "-lathanor_mixins", "-lathanor"]
flags = ["-std=c11", "-Wall", "-Wextra", "-Werror", "-Wno-unused-function",
         "-Wno-unused-variable", "-Wno-unused-parameter", "-Wno-unused-const-variable",
         "-D_POSIX_C_SOURCE=200809L"]
failed, programs, decls, fragments = [], 0, 0, 0
with tempfile.TemporaryDirectory() as tmp:
    for path in files:
        text = open(path).read()
        previous = None  # the page's last declaration block that compiled, as compiled
        for m in fence.finditer(text):
            line = text.count("\n", 0, m.start()) + 1 + (1 if m.group(1) else 0)
            where = "%s:%d" % (os.path.relpath(path, root), line)
            code, expected = m.group(2), m.group(3)
            marker = m.group(1) or ""
            if marker.startswith("fragment of "):
                target = marker[len("fragment of "):]
                if not os.path.isfile(os.path.join(root, target)):
                    failed.append("%s: an excerpt of %s, which does not exist" % (where, target))
                else:
                    fragments += 1
                continue
            if marker == "compile: after-previous":
                if previous is None:
                    failed.append("%s: after-previous, but no declaration block before it" % where)
                    continue
                code = previous + "\n#line 1 \"%s\"\n" % where + code
            elif marker.startswith("compile: "):
                ctx_path = os.path.join(root, "tests", "docs", "contexts", marker[9:] + ".c")
                if not os.path.isfile(ctx_path):
                    failed.append("%s: no context %s" % (where, ctx_path))
                    continue
                ctx = open(ctx_path).read()
                code = ctx.replace("@@BLOCK@@", "#line 1 \"%s\"\n%s\n#line %d \"%s\"" % (
                    where, code, ctx[:ctx.index("@@BLOCK@@")].count("\n") + 2, ctx_path))
            src = os.path.join(tmp, "ex.c")
            exe = os.path.join(tmp, "ex")
            is_program = re.search(r"\bint\s+main\s*\(", code) is not None
            with open(src, "w") as f:
                f.write(headers + ("" if marker else "#line 1 \"%s\"\n" % where) + code)
            cmd = ["gcc"] + flags + inc + ([src, "-o", exe] + libs if is_program
                                           else ["-fsyntax-only", src])
            r = subprocess.run(cmd, capture_output=True, text=True)
            if r.returncode != 0:
                failed.append("%s: does not compile\n%s" % (where, r.stderr.strip()))
                continue
            if not is_program:
                decls += 1
                previous = code if marker else "#line 1 \"%s\"\n" % where + code
                continue
            env = dict(os.environ)
            env.setdefault("ATHANOR_DRIVER_PATH", os.path.join(libdir, "athanor"))
            r = subprocess.run([exe], capture_output=True, text=True, cwd=tmp, env=env,
                               timeout=60)
            if r.returncode != 0:
                failed.append("%s: exit %d\n%s%s" % (where, r.returncode, r.stdout, r.stderr))
            elif expected is not None and r.stdout != expected:
                failed.append("%s: printed\n%s\nbut the docs show\n%s" % (where, r.stdout, expected))
            else:
                programs += 1
# The URL examples of docs/urls.md: each creates an engine (parsed, driver found, driver options
# checked; nothing connects), and the in-memory SQLite ones answer a query.
urls_checked = 0
url_doc = os.path.join(root, "docs", "urls.md")
examples = re.findall(r"^\| `([a-z][a-z0-9+]*://[^`]*)` \|", open(url_doc).read(), re.M)
checker = r"""
#include <athanor/athanor.h>
#include <stdio.h>
#include <string.h>
int main(int argc, char **argv)
{
    int bad = 0;
    for (int i = 1; i < argc; i++) {
        ath_engine *e = NULL;
        int rc = ath_engine_create(&e, argv[i]);
        if (rc == ATH_OK && (strcmp(argv[i], "sqlite://") == 0 ||
                             strcmp(argv[i], "sqlite:///:memory:") == 0)) {
            ath_session *s = NULL;
            ath_result *r = NULL;
            if ((rc = ath_session_open(&s, e)) == ATH_OK &&
                (rc = ath_session_execute(s, "SELECT 1", NULL, 0, &r)) == ATH_OK)
                rc = ath_result_next(r) == 1 ? ATH_OK : ATH_ESQL;
            ath_result_free(r);
            ath_session_close(s);
        }
        if (rc != ATH_OK) {
            printf("%s: %s: %s\n", argv[i], ath_code_name(rc), ath_error_last()->message);
            bad++;
        }
        ath_engine_dispose(e);
    }
    return bad;
}
"""
with tempfile.TemporaryDirectory() as tmp:
    src, exe = os.path.join(tmp, "urls.c"), os.path.join(tmp, "urls")
    open(src, "w").write(checker)
    r = subprocess.run(["gcc"] + flags + inc + [src, "-o", exe] + libs, capture_output=True,
                       text=True)
    if r.returncode != 0:
        failed.append("docs/urls.md: the URL checker does not compile\n" + r.stderr)
    elif not examples:
        failed.append("docs/urls.md: no URL examples found in its table")
    else:
        env = dict(os.environ)
        env.setdefault("ATHANOR_DRIVER_PATH", os.path.join(libdir, "athanor"))
        r = subprocess.run([exe] + examples, capture_output=True, text=True, cwd=tmp, env=env)
        if r.returncode != 0:
            failed.append("docs/urls.md: URL examples refused\n" + r.stdout + r.stderr)
        else:
            urls_checked = len(examples)

for f in failed:
    print("FAIL " + f)
print("SUMMARY tests=%d failed_tests=%d (doc examples: %d programs run, %d declaration blocks "
      "compiled, %d fragments counted, %d URLs of docs/urls.md opened)"
      % (programs + decls + urls_checked + len(failed), len(failed), programs, decls, fragments,
         urls_checked))
sys.exit(1 if failed else 0)
