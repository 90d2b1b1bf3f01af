/* safefile.c — write to PATH's folder under a unique temporary name, sync, rename over
 * PATH: rename(2) replaces the name (never what a symlink points at) all at once. */
#include "export/safefile.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "report/out.h"

/* Whether the first line of the regular file at path holds SAFEFILE_MARKER. */
static int has_marker(const char *path)
{
    char line[256];
    FILE *f = fopen(path, "r");
    int ok = f && fgets(line, sizeof line, f) && strstr(line, SAFEFILE_MARKER);
    if (f) fclose(f);
    return ok;
}

int safefile_check(const char *path, int force, const char *flag, char *err, size_t n)
{
    struct stat st;
    if (lstat(path, &st) < 0) return 0;    /* nothing there (or a folder missing: safefile_open says) */
    if (S_ISLNK(st.st_mode)) {
        snprintf(err, n, TR("%s is a symbolic link: sockplay never writes through one (remove it, or write to the file it points at)",
                            "%s 是符号链接：sockplay 从不透过链接写文件（删除它，或直接写它指向的文件）"), path);
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(err, n, TR("%s exists and is not a regular file: not replaced", "%s 已存在且不是普通文件：不替换"), path);
        return -1;
    }
    if (force || has_marker(path)) return 0;
    snprintf(err, n, TR("%s exists and sockplay did not write it: not replaced (add %s to replace it)",
                        "%s 已存在且不是 sockplay 写的：不替换（加 %s 才会替换）"), path, flag);
    return -1;
}

/* The mode a new file gets: 0666 less the umask. */
static mode_t new_file_mode(void)
{
    mode_t m = umask(022);
    umask(m);
    return 0666 & ~m;
}

int safefile_open(safefile_file *w, const char *path, char *err, size_t n)
{
    struct stat st;
    const char *slash = strrchr(path, '/');
    int dirlen = slash ? (int)(slash - path) : 1, fd = -1;
    memset(w, 0, sizeof *w);
    if ((w->path = strdup(path)) && (w->tmp = malloc(strlen(path) + 16)))
        sprintf(w->tmp, "%.*s/.%s.XXXXXX", dirlen, slash ? path : ".", slash ? slash + 1 : path);
    if (!w->tmp) {
        safefile_why(ENOMEM, path, err, n);
        safefile_abort(w);
        return -1;
    }
    if ((fd = mkstemp(w->tmp)) < 0 || fchmod(fd, stat(path, &st) == 0 ? (st.st_mode & 07777) : new_file_mode()) < 0
        || !(w->f = fdopen(fd, "w"))) {
        int e = errno;
        if (fd >= 0) { close(fd); unlink(w->tmp); }
        safefile_why(e, path, err, n);
        free(w->tmp);
        free(w->path);
        memset(w, 0, sizeof *w);
        return -1;
    }
    return 0;
}

int safefile_commit(safefile_file *w, char *err, size_t n)
{
    int e = 0;
    if (fflush(w->f) != 0 || ferror(w->f)) e = errno ? errno : EIO;
    if (!e && fsync(fileno(w->f)) < 0 && errno != EINVAL) e = errno;
    if (fclose(w->f) != 0 && !e) e = errno;
    w->f = NULL;
    if (!e && rename(w->tmp, w->path) < 0) e = errno;
    if (e) {
        safefile_why(e, w->path, err, n);
        safefile_abort(w);
        return -1;
    }
    free(w->tmp);
    free(w->path);
    w->tmp = w->path = NULL;
    return 0;
}

void safefile_abort(safefile_file *w)
{
    if (w->f) fclose(w->f);
    if (w->tmp) unlink(w->tmp);
    free(w->tmp);
    free(w->path);
    memset(w, 0, sizeof *w);
}

void safefile_why(int err, const char *path, char *out, size_t n)
{
    const char *name = strerrorname_np(err), *hint = "";
    if (err == EFBIG) hint = TR(": the file size limit (ulimit -f) is reached", "：达到了文件大小上限（ulimit -f）");
    else if (err == ENOSPC || err == EDQUOT) hint = TR(": the disk (or your quota) is full", "：磁盘（或配额）已满");
    else if (err == EACCES || err == EPERM) hint = TR(": no permission to write in that folder", "：没有在该文件夹写入的权限");
    else if (err == EROFS) hint = TR(": that filesystem is read-only", "：该文件系统是只读的");
    snprintf(out, n, TR("cannot write %s: %s (%s)%s; an earlier file of that name is unchanged",
                        "无法写入 %s：%s（%s）%s；同名的旧文件没有改动"), path, strerror(err), name ? name : "E?", hint);
}
