"""Packaging for a classroom: `make deb` builds a package lintian passes, its files install
and run a lesson, bash completes the command line, and only `make deps` ever installs."""
import os, re, shutil, stat, subprocess, sys, tempfile
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from harness import *

def sh(cmd, timeout=300, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout, **kw)

def built_deb():
    """make deb (lintian included); the .deb's path."""
    if os.environ.get("SP_VARIANT") == "asan":
        raise Skip("make test builds and checks the package; under make asan it would be the same package again")
    if not shutil.which("dpkg-buildpackage"):
        raise Skip("dpkg-buildpackage is not installed (apt-get install dpkg-dev debhelper lintian)")
    p = sh(["make", "-s", "deb"], cwd=ROOT)
    out = p.stdout.decode("utf-8", "replace")
    if p.returncode != 0:
        raise Fail("make deb failed:\n" + out[-3000:])
    debs = re.findall(r"build/deb/sockplay_[^ \n]*\.deb", out)
    if not debs:
        raise Fail("make deb named no .deb:\n" + out[-2000:])
    return os.path.join(ROOT, debs[-1])

@test
def deb_builds_passes_lintian_and_runs_a_lesson_when_installed():
    deb = built_deb()
    names = sh(["dpkg-deb", "-c", deb]).stdout.decode()
    for f in ["./usr/bin/sockplay", "./usr/share/man/man1/sockplay.1.gz", "./usr/share/sockplay/lua_lessons/06_tcp_server.lua",
              "./usr/share/bash-completion/completions/sockplay", "./usr/share/doc/sockplay/copyright"]:
        if f not in names:
            raise Fail("%s is not in the package:\n%s" % (f, names))
    # The libraries sockplay opens with dlopen (the wire's libpcap, the lab's libnl) are not
    # seen by dh_shlibdeps: the package must depend on them by name.
    depends = sh(["dpkg-deb", "-f", deb, "Depends"]).stdout.decode()
    for lib in ["libpcap0.8", "libnl-route-3-200"]:
        if lib not in depends:
            raise Fail("the package does not depend on %s (it is opened with dlopen): Depends: %s" % (lib, depends))
    root = tempfile.mkdtemp()
    sh(["dpkg-deb", "-x", deb, root])
    # Installed as apt would lay it out: the package's /usr laid over this machine's, in a
    # mount namespace of our own (no root needed, nothing on the machine changes).
    if sh(["unshare", "-rm", "true"]).returncode != 0:
        raise Skip("unshare -rm is not allowed here: cannot lay the package over /usr without installing it")
    e = env()
    e.pop("SOCKPLAY_LESSONS", None)
    p = sh(["unshare", "-rm", "sh", "-c", 'mount -t overlay overlay -o lowerdir="$1/usr":/usr /usr && cd / && '
            'exec /usr/bin/sockplay --lesson tcp_server --auto', "sh", root], timeout=60, env=e)
    out = p.stdout.decode("utf-8", "replace")
    shutil.rmtree(root, ignore_errors=True)
    if p.returncode != 0 or not re.search(r"lesson tcp_server: \d+ checks passed", out):
        raise Fail("the installed sockplay did not pass its lesson (rc %d):\n%s" % (p.returncode, out[-2000:]))

@test
def bash_completes_lessons_and_languages():
    script = os.path.join(ROOT, "src", "cli", "sockplay.bash")
    def complete(*words):
        w = " ".join("'%s'" % x for x in words)
        p = sh(["bash", "-c", 'source "$1"; COMP_WORDS=(%s); COMP_CWORD=%d; _sockplay; echo "${COMPREPLY[*]}"' % (w, len(words) - 1),
                "bash", script], env=env(PATH=os.path.dirname(os.path.abspath(SOCKPLAY)) + ":" + os.environ["PATH"]))
        return p.stdout.decode().split()
    got = complete(os.path.abspath(SOCKPLAY), "--lesson", "tcp_s")
    if got != ["tcp_server"]:
        raise Fail("--lesson tcp_s<Tab> gave %r" % got)
    if len(complete(os.path.abspath(SOCKPLAY), "--lesson", "")) < 17:
        raise Fail("--lesson <Tab> does not list every lesson")
    if complete("sockplay", "--lang", "") != ["en", "zh"]:
        raise Fail("--lang <Tab> does not offer en zh")
    if "--lessons" not in complete("sockplay", "--les"):
        raise Fail("--les<Tab> does not offer --lessons")

@test
def only_make_deps_installs_packages():
    # Fake dpkg-query (every package missing) and apt-get (records that it ran) first on PATH.
    d = tempfile.mkdtemp()
    log = os.path.join(d, "apt.log")
    for name, body in [("dpkg-query", "exit 1"), ("apt-get", 'echo "$@" >> %s' % log)]:
        with open(os.path.join(d, name), "w") as f:
            f.write("#!/bin/sh\n%s\n" % body)
        os.chmod(os.path.join(d, name), 0o755)
    build = os.path.join(d, "build")
    def make(*args, **extra):
        return sh(["make", "-s", "BUILD=" + build, *args], cwd=ROOT, env=env(PATH=d + ":" + os.environ["PATH"], **extra))
    p = make("check-deps")
    if p.returncode == 0 or b"make deps" not in p.stdout or os.path.exists(log):
        raise Fail("a build with missing packages must say so and install nothing: rc %d, %r, apt ran: %s"
                   % (p.returncode, p.stdout, os.path.exists(log)))
    for args, extra in [(["DEPS=no", "check-deps"], {}), (["DEPS=no", "deps"], {}), (["deps"], {"DEB_BUILD_OPTIONS": "nocheck"})]:
        p = make(*args, **extra)
        if p.returncode != 0 or os.path.exists(log):
            raise Fail("make %s %s must neither fail nor install: rc %d, %r" % (" ".join(args), extra, p.returncode, p.stdout))
    if os.getuid() == 0:
        make("deps")
        if not os.path.exists(log) or "install" not in open(log).read():
            raise Fail("make deps as root did not run apt-get install")
    shutil.rmtree(d, ignore_errors=True)

main()
