/* lab.c — the lab: unshare(CLONE_NEWUSER | CLONE_NEWNET) with the user mapped to root
 * inside (so CAP_NET_RAW and CAP_NET_ADMIN hold there, and nowhere else), lo brought up,
 * and the pid noted where --join looks ($XDG_RUNTIME_DIR/sockplay/lab.pid, else
 * ${TMPDIR:-/tmp}/sockplay-UID/lab.pid, "PID STARTTIME", removed at exit); --join
 * setns()es into the lab found there. When the kernel or a policy forbids user namespaces,
 * it says which and what to type. */
#include "lab/lab.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <strings.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include "core/place.h"
#include "lab/lab_net.h"
#include "lab/lab_switch.h"
#include "report/out.h"

static int in_lab;
static char joined_host[LAB_NAME_MAX + 1];   /* --join B: the host this session entered */
static pid_t lab_pid;            /* this process, once it noted its pid */
static char pid_path[PATH_MAX + 16];  /* the pid file this lab wrote; "" when none */
static char hosts_path[PATH_MAX + 16];  /* the hosts file beside it (--join NAME); "" when none */

int lab_in(void) { return in_lab; }

const char *lab_where(void)
{
    if (place_count()) return place_name(place_current);
    return joined_host[0] ? joined_host : "lab";
}

/* The first line of a file (a sysctl, a pid file) without its newline; "" when unreadable. */
static const char *read_line(const char *path, char *buf, size_t n)
{
    FILE *f = fopen(path, "re");
    buf[0] = 0;
    if (f) {
        if (!fgets(buf, (int)n, f)) buf[0] = 0;
        fclose(f);
    }
    buf[strcspn(buf, "\n")] = 0;
    return buf;
}

/* Writes s to a /proc file in one write; 0, or -1 with errno. */
static int write_proc(const char *path, const char *s)
{
    size_t len = strlen(s);
    int fd = open(path, O_WRONLY | O_CLOEXEC), rc = -1, e;
    if (fd < 0) return -1;
    errno = EIO;
    if (write(fd, s, len) == (ssize_t)len) rc = 0;
    e = errno;
    close(fd);
    errno = e;
    return rc;
}

/* Prints the fix for a forbidden user namespace: a wrapped sentence, then the command. */
static void say_fix(const char *how, const char *cmd)
{
    out_wrap(stderr, "  ", 2, how, "");
    fprintf(stderr, "    %s\n", cmd);
}

/* Says that (and why) a user namespace is not allowed here — step failed with err — and
 * what to type: the sysctl that forbids it, AppArmor's restriction, the limit, a container. */
static void say_no_userns(const char *step, int err)
{
    char v[64], why[512], cmd[5 * PATH_MAX + 300], exe[PATH_MAX], name[PATH_MAX];
    size_t i = 0;
    const char *apparmor = "/proc/sys/kernel/apparmor_restrict_unprivileged_userns";
    struct stat st;
    ssize_t n;
    int fixed = 0;
    if (stat("/proc/self/ns/user", &st) < 0)
        snprintf(why, sizeof why, "%s", TR("this kernel has no user namespaces (it was built without CONFIG_USER_NS).",
                                           "这个内核没有用户命名空间 (编译时未开 CONFIG_USER_NS)。"));
    else if (!strcmp(read_line("/proc/sys/kernel/unprivileged_userns_clone", v, sizeof v), "0")) {
        snprintf(why, sizeof why, "%s", TR("the kernel turns them off for users without root (kernel.unprivileged_userns_clone = 0).",
                                           "内核对非 root 用户关闭了它们 (kernel.unprivileged_userns_clone = 0)。"));
        fixed = 1;
    } else if (!strcmp(read_line(apparmor, v, sizeof v), "1")) {
        snprintf(why, sizeof why, "%s", TR("AppArmor lets only programs whose profile allows it use them (kernel.apparmor_restrict_unprivileged_userns = 1, as on Ubuntu 24.04).",
                                           "AppArmor 只允许配置文件里写明 userns 的程序使用它们 (kernel.apparmor_restrict_unprivileged_userns = 1，Ubuntu 24.04 即如此)。"));
        fixed = 2;
    } else if (!strcmp(read_line("/proc/sys/user/max_user_namespaces", v, sizeof v), "0") || err == ENOSPC) {
        snprintf(why, sizeof why, TR("their number is limited to %s (user.max_user_namespaces).", "它们的数量上限是 %s (user.max_user_namespaces)。"),
                 v[0] ? v : "?");
        fixed = 3;
    } else
        snprintf(why, sizeof why, TR("%s failed: %s. In a container, its seccomp profile may forbid them.",
                                     "%s 失败：%s。在容器里，容器的 seccomp 配置可能禁止了它们。"), step, strerror(err));
    fprintf(stderr, "%s", out_col(C_RED));
    out_wrap(stderr, TR("sockplay --lab: user namespaces are not allowed here: ", "sockplay --lab：这里不允许用户命名空间："), 2, why,
             out_col(C_RESET));
    if (fixed == 1) say_fix(TR("To allow them:", "开启它们："), "sudo sysctl -w kernel.unprivileged_userns_clone=1");
    if (fixed == 2) {
        /* The package's profile (src/debian/apparmor/sockplay) is for /usr/bin/sockplay: when it
         * is there it is only not loaded (or disabled, where AppArmor was older than 4.0 when the
         * package was configured). Another sockplay gets a profile of its own, named after its
         * path as AppArmor's profiles are, and with the same rules. */
        const char *prof = "/etc/apparmor.d/sockplay";
        int packaged;
        n = readlink("/proc/self/exe", exe, sizeof exe - 1);
        exe[n > 0 ? n : 0] = 0;
        if (n <= 0) snprintf(exe, sizeof exe, "/usr/bin/sockplay");
        packaged = !strcmp(exe, "/usr/bin/sockplay");
        if (packaged && access(prof, F_OK) == 0) {
            snprintf(cmd, sizeof cmd, "%ssudo apparmor_parser -r %s",
                     lstat("/etc/apparmor.d/disable/sockplay", &st) == 0 ? "sudo rm /etc/apparmor.d/disable/sockplay && " : "", prof);
            say_fix(TR("sockplay's AppArmor profile (/etc/apparmor.d/sockplay, from its package) is not loaded. To load it:",
                       "sockplay 的 AppArmor 配置文件（/etc/apparmor.d/sockplay，随软件包安装）没有加载。加载它："), cmd);
        } else {
            for (i = 0; exe[i + 1] && i < sizeof name - 1; i++) name[i] = exe[i + 1] == '/' ? '.' : exe[i + 1];
            name[i] = 0;   /* /home/ann/sockplay → home.ann.sockplay */
            if (packaged) snprintf(name, sizeof name, "sockplay");
            snprintf(cmd, sizeof cmd, "printf 'abi <abi/4.0>,\\ninclude <tunables/global>\\nprofile %s %s flags=(unconfined) {\\n  userns,\\n}\\n' "
                     "| sudo tee /etc/apparmor.d/%s && sudo apparmor_parser -r /etc/apparmor.d/%s", name, exe, name, name);
            say_fix(TR("To allow sockplay alone (an AppArmor profile for it):", "只允许 sockplay（为它写一个 AppArmor 配置文件）："), cmd);
        }
        say_fix(TR("Or for every program:", "或者允许所有程序："), "sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0");
    }
    if (fixed == 3) say_fix(TR("To allow them:", "开启它们："), "sudo sysctl -w user.max_user_namespaces=15000");
    if (fixed == 0 && stat("/.dockerenv", &st) == 0)
        say_fix(TR("Docker allows them with:", "Docker 这样允许它们："), "docker run --security-opt seccomp=unconfined …");
    if (getuid() != 0)
        say_fix(TR("Or run sockplay as root, where the capture needs no lab:", "或者以 root 运行 sockplay（抓包不需要实验室）："), "sudo sockplay");
}

/* The kernel's start time of process pid (field 22 of /proc/PID/stat): with the pid, what
 * tells a running lab from a reused pid. 0 when it is gone (or a zombie). */
static unsigned long long proc_start(pid_t pid)
{
    char path[64], buf[1024], state = 0;
    unsigned long long start = 0;
    const char *p;
    FILE *f;
    size_t n;
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    if (!(f = fopen(path, "re"))) return 0;
    n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    if (!(p = strrchr(buf, ')'))) return 0;   /* the name, in parentheses, may hold anything */
    if (sscanf(p + 1, " %c %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %llu",
               &state, &start) != 2 || state == 'Z')
        return 0;
    return start;
}

/* The folder of the pid file: which 0 is $XDG_RUNTIME_DIR/sockplay (an absolute one), 1 is
 * ${TMPDIR:-/tmp}/sockplay-UID. 0, or -1 when there is none. */
static int lab_dir(int which, char *out, size_t n)
{
    const char *base = getenv(which ? "TMPDIR" : "XDG_RUNTIME_DIR");
    int len;
    if (which == 0 && (!base || base[0] != '/')) return -1;
    if (which == 1 && (!base || base[0] != '/')) base = "/tmp";
    len = which ? snprintf(out, n, "%s/sockplay-%u", base, (unsigned)getuid()) : snprintf(out, n, "%s/sockplay", base);
    return len > 0 && (size_t)len + 32 < n ? 0 : -1;
}

/* 0 when dir is a folder of this user that no one else may enter (made 0700 when missing
 * and make is set): another user's folder or a symlink in /tmp is never used. */
static int own_dir(const char *dir, int make)
{
    struct stat st;
    if (make && mkdir(dir, 0700) < 0 && errno != EEXIST) return -1;
    if (lstat(dir, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid()) return -1;
    if ((st.st_mode & 077) && (!make || chmod(dir, 0700) < 0)) return -1;
    return 0;
}

/* The pid of the lab noted in dir when it still runs (same start time), else 0. */
static pid_t lab_alive(const char *dir)
{
    char path[PATH_MAX + 16], line[64];
    long long pid;
    unsigned long long start;
    struct stat st;
    snprintf(path, sizeof path, "%s/lab.pid", dir);
    if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid()) return 0;
    if (sscanf(read_line(path, line, sizeof line), "%lld %llu", &pid, &start) != 2 || pid <= 0 || pid > INT_MAX) return 0;
    return start && proc_start((pid_t)pid) == start ? (pid_t)pid : 0;
}

/* The running lab of this user, from the pid files --lab writes (the folder into dir when
 * dir is not NULL); 0 when none runs. */
static pid_t lab_find_in(char *dir)
{
    char here[PATH_MAX];
    pid_t pid;
    if (!dir) dir = here;
    for (int which = 0; which < 2; which++)
        if (lab_dir(which, dir, PATH_MAX) == 0 && own_dir(dir, 0) == 0 && (pid = lab_alive(dir)))
            return pid;
    return 0;
}

static pid_t lab_find(void)
{
    return lab_find_in(NULL);
}

/* The fd (in the lab's process) holding host's network namespace, from dir/lab.hosts; -1
 * when the lab has no such host (names: its hosts, for the message). */
static int lab_host_fd(const char *dir, const char *host, char *names, size_t n)
{
    char path[PATH_MAX + 16], line[64], name[LAB_NAME_MAX + 2];
    int fd, found = -1;
    FILE *f;
    names[0] = 0;
    snprintf(path, sizeof path, "%s/lab.hosts", dir);
    if (!(f = fopen(path, "re"))) return -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "%13s %d", name, &fd) == 2 && fd >= 0) {
            if (!strcasecmp(name, host)) {
                found = fd;
                snprintf(joined_host, sizeof joined_host, "%.*s", LAB_NAME_MAX, name);
            }
            snprintf(names + strlen(names), n - strlen(names), "%s%s", names[0] ? ", " : "", name);
        }
    fclose(f);
    return found;
}

/* The first folder that can hold this lab's pid file (made when missing), into dir; -1: none. */
static int lab_pick_dir(char *dir, size_t n)
{
    for (int which = 0; which < 2; which++)
        if (lab_dir(which, dir, n) == 0 && own_dir(dir, 1) == 0) return 0;
    dir[0] = 0;
    return -1;
}

/* Removes the pid file this lab wrote (at exit, by this process only, not a child). */
static void lab_forget(void)
{
    if (getpid() != lab_pid) return;
    if (pid_path[0]) unlink(pid_path);
    if (hosts_path[0]) unlink(hosts_path);
}

/* SIGHUP (the terminal closed) or SIGTERM: the pid file goes, then the signal does its work. */
static void lab_on_signal(int sig)
{
    lab_forget();
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Writes dir/lab.hosts: "NAME FD" for each host, the fd of this process that holds its
 * network namespace, for `sockplay --join NAME` (through /proc/PID/fd/FD). Written
 * through a temporary file renamed into place; when it cannot be, --join NAME says so. */
static void lab_note_hosts(const char *dir)
{
    char tmp[PATH_MAX + 32], path[PATH_MAX + 16];
    FILE *f;
    int ok;
    snprintf(tmp, sizeof tmp, "%s/.lab.hosts.%d", dir, (int)getpid());
    snprintf(path, sizeof path, "%s/lab.hosts", dir);
    if (!(f = fopen(tmp, "wxe"))) return;
    for (int h = 0; h < place_count(); h++) fprintf(f, "%s %d\n", place_name(h), lab_net_fd(h));
    ok = fflush(f) == 0 && !ferror(f);
    if (fclose(f) != 0) ok = 0;
    if (!ok || rename(tmp, path) < 0) unlink(tmp);
    else snprintf(hosts_path, sizeof hosts_path, "%s", path);
}

void lab_hosts_changed(void)
{
    char dir[PATH_MAX];
    const char *slash = strrchr(hosts_path, '/');
    if (!hosts_path[0] || !slash || (size_t)(slash - hosts_path) >= sizeof dir) return;
    memcpy(dir, hosts_path, (size_t)(slash - hosts_path));
    dir[slash - hosts_path] = 0;
    lab_note_hosts(dir);
}

/* Writes "PID STARTTIME" to dir/lab.pid through a temporary file renamed into place (a
 * stale file is replaced); arranges its removal at exit. 0, or -1 with errno. */
static int lab_note_pid(const char *dir)
{
    char tmp[PATH_MAX + 32], line[64];
    int fd, len, e, ok;
    lab_pid = getpid();
    snprintf(tmp, sizeof tmp, "%s/.lab.pid.%d", dir, (int)lab_pid);
    len = snprintf(line, sizeof line, "%d %llu\n", (int)lab_pid, proc_start(lab_pid));
    snprintf(pid_path, sizeof pid_path, "%s/lab.pid", dir);
    if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0) {
        pid_path[0] = 0;
        return -1;
    }
    errno = EIO;   /* a short write sets none */
    ok = write(fd, line, (size_t)len) == len;
    e = errno;
    if (close(fd) < 0 && ok) ok = 0, e = errno;
    if (ok && rename(tmp, pid_path) < 0) ok = 0, e = errno;
    if (!ok) {
        unlink(tmp);
        pid_path[0] = 0;
        errno = e;
        return -1;
    }
    atexit(lab_forget);
    signal(SIGHUP, lab_on_signal);
    signal(SIGTERM, lab_on_signal);
    lab_note_hosts(dir);
    return 0;
}

/* Brings the lab's loopback up (SIOCSIFFLAGS on "lo"): the kernel then gives it 127.0.0.1
 * and ::1. 0, or -1 with errno. */
static int lab_lo_up(void)
{
    struct ifreq ifr;
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc = -1, e;
    if (fd < 0) return -1;
    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "lo");
    if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) {
        ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
        rc = ioctl(fd, SIOCSIFFLAGS, &ifr);
    }
    e = errno;
    close(fd);
    errno = e;
    return rc;
}

/* Prints the one-line note that the session is in a lab (dim, wrapped). */
static void lab_say(const char *text)
{
    out_wrap(stdout, out_col(C_DIM), 0, text, out_col(C_RESET));
    fflush(stdout);
}

/* Builds the lab's network: the course's, or the one the file describes. 0, or -1 after
 * saying why (the file's line and its mistake, or the step that failed). */
static int lab_build(const char *file)
{
    lab_topo t;
    char err[600];
    if (!file) lab_topo_default(&t);
    else if (lab_topo_file(file, &t, err, sizeof err) < 0) {
        fprintf(stderr, "%s", out_col(C_RED));
        out_wrap(stderr, "sockplay --lab: ", 2, err, out_col(C_RESET));
        return -1;
    }
    if (lab_net_build(&t, err, sizeof err) < 0 || (!lab_net_bridged() && lab_switch_start(err, sizeof err) < 0)) {
        fprintf(stderr, "%s", out_col(C_RED));
        out_wrap(stderr, "sockplay --lab: ", 2, err, out_col(C_RESET));
        return -1;
    }
    return 0;
}

void lab_leave(void)
{
    lab_switch_stop();
}

int lab_enter(const char *topo_file)
{
    char dir[PATH_MAX] = "", map[64], note[600];
    unsigned uid = (unsigned)getuid(), gid = (unsigned)getgid();   /* outside: inside both are 0 */
    pid_t other = lab_find();
    int fd, e = 0;
    if (!other) lab_pick_dir(dir, sizeof dir);   /* before unshare: the folder is named by the real uid */
    if (unshare(CLONE_NEWUSER | CLONE_NEWNET) < 0) {
        say_no_userns("unshare(CLONE_NEWUSER | CLONE_NEWNET)", errno);
        return 2;
    }
    snprintf(map, sizeof map, "0 %u 1\n", uid);
    if (write_proc("/proc/self/uid_map", map) < 0) { say_no_userns("/proc/self/uid_map", errno); return 2; }
    if (write_proc("/proc/self/setgroups", "deny") < 0 && errno != ENOENT) { say_no_userns("/proc/self/setgroups", errno); return 2; }
    snprintf(map, sizeof map, "0 %u 1\n", gid);
    if (write_proc("/proc/self/gid_map", map) < 0) { say_no_userns("/proc/self/gid_map", errno); return 2; }
    if (lab_lo_up() < 0) { say_no_userns("SIOCSIFFLAGS lo", errno); return 2; }
    /* CAP_NET_RAW holds inside: a packet socket opens (a policy may still deny it). */
    if ((fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0)) >= 0) close(fd);
    else if (errno == EPERM || errno == EACCES) { say_no_userns("socket(AF_PACKET)", errno); return 2; }
    if (lab_build(topo_file) < 0) return 2;   /* fails closed: no session without its network */
    in_lab = 1;
    if (dir[0] && lab_note_pid(dir) < 0) e = errno;
    snprintf(note, sizeof note, "%s", TR("lab: this session has a network of its own (127.0.0.1 included) — nothing outside reaches it, "
                                         "and it reaches nothing outside.\nAnother terminal enters it with: sockplay --join",
                                         "实验室：本会话有自己的网络（包括 127.0.0.1）——外面连不进来，它也连不到外面。\n"
                                         "另一个终端用 sockplay --join 进入。"));
    if (other)
        snprintf(note + strlen(note), sizeof note - strlen(note), TR(" (it enters the lab started earlier, pid %d, not this one)",
                                                                     "（它进入先前启动的实验室 pid %d，不是这一个）"), (int)other);
    else if (!dir[0] || e)
        snprintf(note + strlen(note), sizeof note - strlen(note), TR(" (it cannot find this one: %s)", "（它找不到这一个：%s）"),
                 e ? strerror(e) : TR("no folder for lab.pid", "没有放 lab.pid 的目录"));
    lab_say(note);
    return 0;
}

/* Enters the namespace of kind (CLONE_NEWUSER, CLONE_NEWNET) that /proc/PID/ns/name is (or,
 * fd >= 0, that the lab's fd holds: a host's), unless this process is in it already. 0, or
 * -1 with errno. */
static int lab_setns(pid_t pid, const char *name, int kind, int fd_of_lab)
{
    char path[64];
    struct stat theirs, ours;
    int fd, rc, e;
    if (fd_of_lab >= 0) snprintf(path, sizeof path, "/proc/%d/fd/%d", (int)pid, fd_of_lab);
    else snprintf(path, sizeof path, "/proc/%d/ns/%s", (int)pid, name);
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) return -1;
    snprintf(path, sizeof path, "/proc/self/ns/%s", name);
    if (fstat(fd, &theirs) == 0 && stat(path, &ours) == 0 && theirs.st_ino == ours.st_ino && theirs.st_dev == ours.st_dev)
        rc = 0;   /* a joined terminal running `sockplay --join` again */
    else
        rc = setns(fd, kind);
    e = errno;
    close(fd);
    errno = e;
    return rc;
}

int lab_join(const char *host, char **prog)
{
    char note[300], dir[PATH_MAX], names[LAB_HOSTS * (LAB_NAME_MAX + 2) + 8];
    pid_t pid = lab_find_in(dir);
    int e, hfd = -1;
    if (prog && !prog[0]) {
        fprintf(stderr, "%s\n", TR("sockplay --join --: which program? e.g. sockplay --join -- python3 client.py",
                                   "sockplay --join --：运行哪个程序？例如 sockplay --join -- python3 client.py"));
        return 2;
    }
    if (!pid) {
        out_wrap(stderr, "", 0, TR("sockplay --join: no lab is running. Start one first, in another terminal: sockplay --lab",
                                   "sockplay --join：没有正在运行的实验室。先在另一个终端里启动一个：sockplay --lab"), "");
        return 2;
    }
    if (host && (hfd = lab_host_fd(dir, host, names, sizeof names)) < 0) {
        /* Nothing runs anywhere else: a program meant for a lab host never reaches the machine's network. */
        fprintf(stderr, TR("sockplay --join: the lab (pid %d) has no host '%s'%s%s\n", "sockplay --join：实验室（pid %d）没有主机 '%s'%s%s\n"),
                (int)pid, host, names[0] ? TR("; its hosts: ", "；它的主机：") : "", names);
        return 2;
    }
    if (lab_setns(pid, "user", CLONE_NEWUSER, -1) < 0 || lab_setns(pid, "net", CLONE_NEWNET, hfd) < 0) {
        fprintf(stderr, TR("sockplay --join: cannot enter the lab (pid %d): %s\n", "sockplay --join：无法进入实验室（pid %d）：%s\n"),
                (int)pid, strerror(errno));
        return 2;
    }
    in_lab = 1;
    if (prog) {
        fflush(stdout);
        execvp(prog[0], prog);
        e = errno;
        fprintf(stderr, TR("sockplay --join: cannot run '%s': %s\n", "sockplay --join：无法运行 '%s'：%s\n"), prog[0], strerror(e));
        return e == ENOENT ? 127 : 126;
    }
    if (host && out_lang == LANG_ZH)
        snprintf(note, sizeof note, "实验室：在主机 %s 上（pid %d 的实验室）——本会话的套接字都在那里。", joined_host, (int)pid);
    else if (host)
        snprintf(note, sizeof note, "lab: on host %s of the lab of pid %d — this session's sockets live there.", joined_host, (int)pid);
    else
        snprintf(note, sizeof note, TR("lab: joined the lab of pid %d — this session shares its network (its 127.0.0.1), apart from the machine's.",
                                       "实验室：已进入 pid %d 的实验室——本会话与它共用网络 (它的 127.0.0.1)，与本机的网络隔开。"), (int)pid);
    lab_say(note);
    return 0;
}
