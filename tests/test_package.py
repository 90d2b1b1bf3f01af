"""Packaging for a classroom: `make deb` builds a package lintian passes, its files install
and run a lesson, bash completes the command line, and only `make deps` ever installs."""
import os, re, shutil, stat, subprocess, sys, tempfile
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from harness import *

def sh(cmd, timeout=300, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout, **kw)

_deb = []

def built_deb():
    """make deb (lintian included), once for every test here; the .deb's path."""
    if _deb:
        return _deb[0]
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
    _deb.append(os.path.join(ROOT, debs[-1]))
    return _deb[0]

@test
def deb_builds_passes_lintian_and_runs_a_lesson_when_installed():
    deb = built_deb()
    names = sh(["dpkg-deb", "-c", deb]).stdout.decode()
    for f in ["./usr/bin/sockplay", "./usr/share/man/man1/sockplay.1.gz", "./usr/share/sockplay/lua_lessons/06_tcp_server.lua",
              "./usr/share/sockplay/lua_lessons/exercises/01_udp_gbk_echo.lua",
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
            '/usr/bin/sockplay --exercises && exec /usr/bin/sockplay --lesson tcp_server --auto', "sh", root], timeout=60, env=e)
    out = p.stdout.decode("utf-8", "replace")
    shutil.rmtree(root, ignore_errors=True)
    if p.returncode != 0 or not re.search(r"lesson tcp_server: \d+ checks passed", out):
        raise Fail("the installed sockplay did not pass its lesson (rc %d):\n%s" % (p.returncode, out[-2000:]))
    if not re.search(r"restart_reuseaddr", out):
        raise Fail("the installed sockplay lists no exercises:\n%s" % out[:2000])

# Runs the package's maintainer script (DEBIAN/postinst configure, or postrm purge) as dpkg
# would, on an /etc/apparmor.d of its own (a tmpfs in a mount namespace: the machine's is
# untouched) holding the package's profile, plus abi/4.0 when apparmor4; aa-enabled says
# `enabled` and apparmor_parser records its arguments (with "disabled" when disable/sockplay
# is there as it runs). Then runs `after`, if any. The state that follows, one item a line.
APPARMOR_RUN = r"""
set -e
ctrl=$1 root=$2 t=$3 apparmor4=$4 enabled=$5 after=$6
mount -t tmpfs t "$t"; mkdir "$t/bin"
printf '#!/bin/sh\nexit %s\n' "$enabled" > "$t/bin/aa-enabled"
printf '#!/bin/sh\n{ echo "apparmor_parser $*"; [ ! -L /etc/apparmor.d/disable/sockplay ] || echo "  (disabled)"; } >> %s/log\n' "$t" > "$t/bin/apparmor_parser"
chmod +x "$t/bin/aa-enabled" "$t/bin/apparmor_parser"
mount -t tmpfs t /etc/apparmor.d
cp "$root/etc/apparmor.d/sockplay" /etc/apparmor.d/
[ "$apparmor4" = no ] || { mkdir /etc/apparmor.d/abi; touch /etc/apparmor.d/abi/4.0; }
PATH=$t/bin:$PATH sh "$ctrl/postinst" configure "" || echo "postinst failed: $?"
[ -z "$after" ] || eval "$after" || echo "after failed: $?"
cat "$t/log" 2>/dev/null || true
[ ! -L /etc/apparmor.d/disable/sockplay ] || echo "disable/sockplay -> $(readlink /etc/apparmor.d/disable/sockplay)"
[ ! -e /etc/apparmor.d/local/sockplay ] || echo "local/sockplay"
"""

@test
def deb_ships_the_apparmor_profile_and_loads_it_only_where_apparmor_is():
    """Ubuntu 24.04 lets a program make a user namespace (sockplay --lab) only when its
    AppArmor profile says `userns,`: the package ships that profile as a conffile, and its
    postinst loads it only where AppArmor is enabled; where AppArmor is older than 4.0 (no
    abi/4.0, Debian 12) it disables it first, so that nothing tries to read `userns`."""
    deb = built_deb()
    names = sh(["dpkg-deb", "-c", deb]).stdout.decode()
    if not re.search(r"^-rw-r--r-- root/root .* \./etc/apparmor\.d/sockplay$", names, re.M):
        raise Fail("./etc/apparmor.d/sockplay (0644, root) is not in the package:\n%s" % names)
    root = tempfile.mkdtemp()
    ctrl = os.path.join(root, "DEBIAN")
    sh(["dpkg-deb", "-x", deb, root])
    sh(["dpkg-deb", "-e", deb, ctrl])
    try:
        prof = open(os.path.join(root, "etc/apparmor.d/sockplay")).read()
        body = re.search(r"^profile sockplay /usr/bin/sockplay flags=\(unconfined\) \{\n(.*?)^\}", prof, re.M | re.S)
        if not prof.startswith("#") or not re.search(r"^abi <abi/4\.0>,$", prof, re.M) or not body \
                or not re.search(r"^\s*userns,$", body.group(1), re.M) or "include if exists <local/sockplay>" not in body.group(1):
            raise Fail("the profile does not allow /usr/bin/sockplay its user namespace:\n" + prof)
        conffiles = open(os.path.join(ctrl, "conffiles")).read().split()
        if "/etc/apparmor.d/sockplay" not in conffiles:
            raise Fail("the profile is not a conffile: " + " ".join(conffiles))
        postinst = open(os.path.join(ctrl, "postinst")).read()
        for line in postinst.splitlines():
            if "apparmor_parser" in line and not line.lstrip().startswith("#") and "aa-enabled" not in postinst.split(line)[0]:
                raise Fail("the postinst runs apparmor_parser without asking aa-enabled first:\n" + postinst)
        if not os.path.isdir("/etc/apparmor.d") or sh(["unshare", "-rm", "true"]).returncode != 0:
            raise Skip("no /etc/apparmor.d to lay a tmpfs over, or unshare -rm is not allowed: the postinst was read, not run")

        def run(apparmor4, enabled, after=""):
            t = tempfile.mkdtemp()
            p = sh(["unshare", "-rm", "sh", "-c", APPARMOR_RUN, "sh", ctrl, root, t, apparmor4, enabled, after], timeout=60)
            os.rmdir(t)
            return p.stdout.decode("utf-8", "replace").strip()
        # Ubuntu 24.04 (AppArmor 4.0, enabled): loaded, reading abstractions anew; not disabled.
        got = run("yes", "0")
        if got != "apparmor_parser -r -T -W /etc/apparmor.d/sockplay\nlocal/sockplay":
            raise Fail("AppArmor 4.0, enabled: the postinst should load the profile and make local/sockplay; it gave:\n" + got)
        # AppArmor there but disabled, or not installed: nothing loaded.
        got = run("yes", "1")
        if got != "local/sockplay":
            raise Fail("AppArmor 4.0, not enabled: the postinst should load nothing; it gave:\n" + got)
        # Debian 12 (AppArmor 3.0, enabled): disabled before the parser sees it (it skips it quietly).
        got = run("no", "0")
        if got != "apparmor_parser -r -T -W /etc/apparmor.d/sockplay\n  (disabled)\ndisable/sockplay -> ../sockplay\nlocal/sockplay":
            raise Fail("AppArmor 3.0: the postinst should disable the profile before loading it; it gave:\n" + got)
        # Purged (dpkg has removed the conffile): postrm removes what postinst made.
        got = run("no", "1", 'rm /etc/apparmor.d/sockplay; sh "$ctrl/postrm" purge; ls -A /etc/apparmor.d')
        if got != "":
            raise Fail("after purge, /etc/apparmor.d should be empty; it holds:\n" + got)
        # The installed sockplay, where AppArmor restricts user namespaces (the sysctl faked, user
        # namespaces limited to 0) and the package disabled its profile: told how to load it.
        after = ('echo 0 > /proc/sys/user/max_user_namespaces; mkdir "$t/k"; mount -t tmpfs k "$t/k"; '
                 'echo 1 > "$t/k/apparmor_restrict_unprivileged_userns"; mount --bind "$t/k" /proc/sys/kernel; '
                 'mount -t overlay overlay -o lowerdir="$root/usr":/usr /usr; cd /; /usr/bin/sockplay --lab -c state 2>&1 | tr -s " \\n" " "; echo')
        got = run("no", "1", after)
        if "sockplay's AppArmor profile (/etc/apparmor.d/sockplay, from its package) is not loaded. To load it: " \
           "sudo rm /etc/apparmor.d/disable/sockplay && sudo apparmor_parser -r /etc/apparmor.d/sockplay Or for every program:" not in got:
            raise Fail("the installed sockplay under AppArmor's restriction should say how to load its profile; it said:\n" + got)
    finally:
        shutil.rmtree(root, ignore_errors=True)

@test
def bash_completes_lessons_exercises_and_languages():
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
    got = complete(os.path.abspath(SOCKPLAY), "--exercise", "")
    if got != ["udp_gbk_echo", "tcp_server_thanks", "tcp_client_thanks", "file_server", "restart_reuseaddr"]:
        raise Fail("--exercise <Tab> gave %r" % got)
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
