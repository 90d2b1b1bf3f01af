/* teach_predict.c — a prediction armed for the next call, and the listener that judges
 * it when the call ends: did it block (waited BLOCK_MIN or more, or was interrupted or
 * timed out), what did it return, which error, which TCP state did the socket end in,
 * which packets went on the wire. The verdict is one line under the call's report. */
#include "teach/teach_predict.h"
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "core/call.h"
#include "kernel/kernel.h"
#include "py/py_value.h"
#include "report/errtext.h"
#include "report/out.h"
#include "report/wireview.h"
#include "wire/wire.h"

#define BLOCK_MIN 0.1    /* seconds: a call that waited this long blocked (a human took part) */

const sp_word predict_words[] = {
    {"blocks", PREDICT_BLOCKS, 0, 0}, {"returns", PREDICT_RETURNS, 0, 0}, {"error", PREDICT_ERROR, 0, 0},
    {"state", PREDICT_STATE, 0, 0}, {"packets", PREDICT_PACKETS, 0, 0}, {"on", PREDICT_ON, 0, 0}, {"off", PREDICT_OFF, 0, 0},
    {"block", PREDICT_BLOCKS, 0, 1}, {"return", PREDICT_RETURNS, 0, 1},
    /* a Chinese learner's words for the same (not offered by Tab) */
    {"阻塞", PREDICT_BLOCKS, 0, 1}, {"会阻塞", PREDICT_BLOCKS, 0, 1}, {"返回", PREDICT_RETURNS, 0, 1},
    {"错误", PREDICT_ERROR, 0, 1}, {"失败", PREDICT_ERROR, 0, 1}, {"状态", PREDICT_STATE, 0, 1}, {"包", PREDICT_PACKETS, 0, 1},
    {NULL, 0, 0, 0},
};

char *(*predict_read_line)(const char *prompt);

static prediction armed;        /* kind 0: nothing armed */
static int asking, listening, right, judged;
static unsigned long packets_before;   /* wireview_total() when the call began */

/* --- the words ------------------------------------------------------------------------ */

/* Whether the name said is the error err (timedout: a settimeout's wait ended it): its
 * errno's name, Python's class for it (OSError for any), EWOULDBLOCK for EAGAIN, and after a
 * timeout TimeoutError, socket.timeout or timeout. The one rule for judging and for parsing. */
static int error_fits(const char *said, int err, int timedout)
{
    return !strcasecmp(said, errtext_name(err)) || !strcasecmp(said, errtext_python(err)) || !strcasecmp(said, "OSError") ||
           (err == EAGAIN && !strcasecmp(said, "EWOULDBLOCK")) ||
           (timedout && (!strcasecmp(said, "TimeoutError") || !strcasecmp(said, "socket.timeout") || !strcasecmp(said, "timeout")));
}

/* A name some call's error could fit. */
static int known_error(const char *name)
{
    for (int e = 1; e < 256; e++)
        if (strcmp(errtext_name(e), "E?") && (error_fits(name, e, 0) || error_fits(name, e, 1))) return 1;
    return 0;
}

const char *predict_forms(void)
{
    return TR("blocks · returns N (returns b'' for 0 bytes) · error NAME (ECONNREFUSED …) · state S STATE · packets SYN …",
              "blocks（阻塞）· returns N（返回 N；0 字节写 returns b''）· error 名字（如 ECONNREFUSED）· state S 状态 · packets SYN ……");
}

int predict_parse(const sp_token *tok, int n, prediction *p, char *err, size_t errlen)
{
    const sp_word *w;
    char *e;
    memset(p, 0, sizeof *p);
    if (n < 1 || !(w = words_find(predict_words, tok[0].text))) {
        char list[200];
        snprintf(err, errlen, TR("what will the next call do? %s", "下一个调用会怎样？%s"),
                 words_join(predict_words, ", ", TR(" or ", " 或 "), list, sizeof list));
        return -1;
    }
    p->kind = w->value;
    switch (p->kind) {
    case PREDICT_BLOCKS: case PREDICT_ON: case PREDICT_OFF:
        if (n > 1) { snprintf(err, errlen, TR("'%s' takes nothing after it", "'%s' 后面不带参数"), w->word); return -1; }
        return 0;
    case PREDICT_RETURNS:
        if (n != 2) { snprintf(err, errlen, "%s", TR("returns N: a number (0, or b'' for a closed peer)", "returns N：一个数（0，或对方关闭时的 b''）")); return -1; }
        /* b'' (the lexer reads it as b and an empty quoted string), or "" */
        if ((!strcmp(tok[1].text, "b") && tok[1].quoted) || (!tok[1].len && tok[1].quoted)) { p->n = 0; return 0; }
        p->n = strtol(tok[1].text, &e, 10);
        if (!tok[1].len || *e) { snprintf(err, errlen, TR("returns '%s': a number, or b''", "returns '%s'：应为数字或 b''"), tok[1].text); return -1; }
        return 0;
    case PREDICT_ERROR:
        if (n != 2 || tok[1].len >= sizeof p->error || !tok[1].len) {
            snprintf(err, errlen, "%s", TR("error NAME: ECONNREFUSED, EADDRINUSE, EPIPE … (or Python's ConnectionRefusedError)",
                                          "error 名字：ECONNREFUSED、EADDRINUSE、EPIPE……（或 Python 的 ConnectionRefusedError）"));
            return -1;
        }
        snprintf(p->error, sizeof p->error, "%s", tok[1].text);
        if (!known_error(p->error)) {
            snprintf(err, errlen, TR("error '%s': no such error — ECONNREFUSED, EADDRINUSE, EPIPE, ECONNRESET, EAGAIN … or Python's ConnectionRefusedError, TimeoutError …",
                                     "error '%s'：没有这个错误 —— ECONNREFUSED、EADDRINUSE、EPIPE、ECONNRESET、EAGAIN……或 Python 的 ConnectionRefusedError、TimeoutError……"), tok[1].text);
            return -1;
        }
        return 0;
    case PREDICT_STATE:
        if (n != 3 || tok[1].len >= sizeof p->sock || tok[2].len >= sizeof p->state) {
            snprintf(err, errlen, "%s", TR("state S STATE: a socket and a TCP state (ESTABLISHED, CLOSE_WAIT, TIME_WAIT …)",
                                          "state S 状态：一个套接字和一个 TCP 状态（ESTABLISHED、CLOSE_WAIT、TIME_WAIT……）"));
            return -1;
        }
        snprintf(p->sock, sizeof p->sock, "%s", tok[1].text);
        for (size_t i = 0; i <= tok[2].len; i++) p->state[i] = (char)toupper((unsigned char)tok[2].text[i]);
        return 0;
    case PREDICT_PACKETS:
        if (n < 2 || n - 1 > PREDICT_MAX_PACKETS) {
            snprintf(err, errlen, TR("packets FLAGS…: 1 to %d packets, as SYN SYN+ACK ACK (0 for none)", "packets 标志……：1 到 %d 个包，例如 SYN SYN+ACK ACK（没有包写 0）"),
                     PREDICT_MAX_PACKETS);
            return -1;
        }
        for (int i = 1; i < n; i++) {
            if (tok[i].len >= sizeof p->packets[0]) { snprintf(err, errlen, TR("'%s' is no packet: SYN, SYN+ACK, ACK, FIN+ACK, RST, DATA, UDP …", "'%s' 不是包：SYN、SYN+ACK、ACK、FIN+ACK、RST、DATA、UDP……"), tok[i].text); return -1; }
            if (n == 2 && !strcmp(tok[i].text, "0")) break;    /* packets 0: none at all */
            for (size_t k = 0; k <= tok[i].len; k++) p->packets[p->npackets][k] = (char)toupper((unsigned char)tok[i].text[k]);
            p->npackets++;
        }
        return 0;
    }
    return -1;
}

int predict_text(const char *text, prediction *p, char *err, size_t errlen)
{
    sp_line *cmds;
    int n = parse_line(text, &cmds, err, errlen), rc = -1;
    const sp_word *w = n == 1 && cmds[0].ntok > 0 ? words_find(predict_words, cmds[0].tok[0].text) : NULL;
    if (w && w->value != PREDICT_ON && w->value != PREDICT_OFF) {
        rc = predict_parse(cmds[0].tok, cmds[0].ntok, p, err, errlen);
    } else if (n >= 0) {
        snprintf(err, errlen, TR("one of: %s", "任选一种写法：%s"), predict_forms());
    }
    if (n > 0) parse_free(cmds, n);
    return rc;
}

const char *predict_said(const prediction *p, char *buf, size_t n)
{
    size_t k;
    switch (p->kind) {
    case PREDICT_BLOCKS: snprintf(buf, n, "%s", TR("it blocks", "会阻塞")); break;
    case PREDICT_NOT_BLOCKS: snprintf(buf, n, "%s", TR("it returns at once", "立即返回")); break;
    case PREDICT_RETURNS: snprintf(buf, n, TR("it returns %ld", "返回 %ld"), p->n); break;
    case PREDICT_ERROR: snprintf(buf, n, TR("it fails with %s", "失败：%s"), p->error); break;
    case PREDICT_STATE: snprintf(buf, n, TR("%s ends in %s", "%s 进入 %s"), p->sock, p->state); break;
    case PREDICT_PACKETS:
        k = (size_t)snprintf(buf, n, "%s", TR("packets", "包："));
        for (int i = 0; i < p->npackets && k < n; i++) k += (size_t)snprintf(buf + k, n - k, " %s", p->packets[i]);
        if (!p->npackets) snprintf(buf + k, n - k, " %s", TR("none", "无"));
        break;
    default: buf[0] = 0;
    }
    return buf;
}

const char *predict_armed(char *buf, size_t n) { return armed.kind ? predict_said(&armed, buf, n) : NULL; }

void predict_arm(const prediction *p)
{
    armed = *p;
    if (!listening) predict_init();
}

void predict_asking(int on)
{
    asking = on;
    if (!listening) predict_init();
}

void predict_score(int *r, int *j)
{
    *r = right;
    *j = judged;
}

/* --- judging ------------------------------------------------------------------------------ */

/* 1 for a TCP segment that carries bytes (no SYN, FIN or RST): DATA, for a prediction. */
static int data_segment(const packet *p)
{
    return p->proto == IPPROTO_TCP && (p->have & PACKET_HAVE_TCP) && p->len > 0 && !(p->flags & (PACKET_SYN | PACKET_FIN | PACKET_RST));
}

/* One packet as a prediction names it: DATA, TCP flags without PSH (SYN+ACK, FIN+ACK), UDP,
 * ICMP, ARP. */
static void packet_word(const packet *p, char *buf, size_t n)
{
    if (p->have & PACKET_HAVE_ARP) snprintf(buf, n, "ARP");
    else if (data_segment(p)) snprintf(buf, n, "DATA");
    else if (p->proto == IPPROTO_TCP && (p->have & PACKET_HAVE_TCP)) packet_flags(p->flags & ~(unsigned)PACKET_PSH, buf, n);
    else if (p->proto == IPPROTO_UDP) snprintf(buf, n, "UDP");
    else if (p->proto == IPPROTO_ICMP || p->proto == IPPROTO_ICMPV6) snprintf(buf, n, "ICMP");
    else snprintf(buf, n, "?");
}

/* 1 when the learner's word names packet p: its word, or a data segment's flags (ACK, PSH+ACK). */
static int names(const char *want, const packet *p)
{
    char got[24];
    packet_word(p, got, sizeof got);
    if (!strcasecmp(want, got)) return 1;
    if (!data_segment(p)) return 0;
    packet_flags(p->flags, got, sizeof got);
    if (!strcasecmp(want, got)) return 1;
    packet_flags(p->flags & ~(unsigned)PACKET_PSH, got, sizeof got);
    return !strcasecmp(want, got);
}

int predict_judge(const prediction *p, const sp_call *c, char *what, size_t n)
{
    int blocked = c->took >= BLOCK_MIN || (c->rc < 0 && (c->err == EINTR || (c->facts & FACT_TIMEDOUT)));
    switch (p->kind) {
    case PREDICT_BLOCKS: case PREDICT_NOT_BLOCKS:
        if (blocked) snprintf(what, n, TR("it blocked %.1f s", "它阻塞了 %.1f 秒"), c->took);
        else snprintf(what, n, TR("it returned at once (%.2f ms)", "它立即返回了（%.2f 毫秒）"), c->took * 1e3);
        return blocked == (p->kind == PREDICT_BLOCKS);
    case PREDICT_RETURNS:
        if (c->rc < 0) { snprintf(what, n, TR("it failed: %s", "它失败了：%s"), c->why ? c->why : errtext_name(c->err)); return 0; }
        if ((c->kind == CALL_RECV || c->kind == CALL_RECVFROM) && c->rc == 0) snprintf(what, n, "%s", TR("it returned 0 (b'')", "它返回 0（b''）"));
        else snprintf(what, n, TR("it returned %ld", "它返回 %ld"), c->rc);
        return c->rc == p->n;
    case PREDICT_ERROR: {
        const char *name = c->err ? errtext_name(c->err) : NULL, *cls = c->err ? errtext_python(c->err) : NULL;
        int timeout = (c->facts & FACT_TIMEDOUT) != 0;
        if (c->rc >= 0) { snprintf(what, n, TR("it succeeded (returned %ld)", "它成功了（返回 %ld）"), c->rc); return 0; }
        if (!name) { snprintf(what, n, TR("it was refused before it ran: %s", "它在执行前就被拒绝了：%s"), c->why ? c->why : "?"); return 0; }
        snprintf(what, n, TR("it failed with %s (Python: %s)", "它失败了：%s（Python：%s）"), name, timeout ? "TimeoutError" : cls);
        return error_fits(p->error, c->err, timeout);
    }
    case PREDICT_STATE: {
        sp_sock *s = registry_lookup(p->sock);
        kernel_row k;
        if (!s) { snprintf(what, n, TR("%s is not a socket of this session now", "%s 现在不是本会话的套接字"), p->sock); return 0; }
        kernel_read(s, &k);
        snprintf(what, n, TR("%s is in %s", "%s 处于 %s"), p->sock, k.state[0] ? k.state : "?");
        return !strcasecmp(k.state, p->state);
    }
    case PREDICT_PACKETS: {
        unsigned long total = wireview_total();
        size_t have = wireview_count(), k, len;
        size_t first = total - packets_before > have ? 0 : have - (size_t)(total - packets_before);
        int ok = 1, i = 0;
        if (!wire_is_open()) { snprintf(what, n, "%s", TR("the wire is off: `wire on` (in the lab, or as root) shows packets", "没有打开线路视图：`wire on`（在实验室里或以 root）才能看到包")); return -1; }
        len = (size_t)snprintf(what, n, "%s", TR("the wire saw", "线路上是"));
        for (k = first; k < have && len < n; k++, i++) {
            char w[24];
            packet_word(wireview_at(k), w, sizeof w);
            len += (size_t)snprintf(what + len, n - len, " %s", w);
            if (i >= p->npackets || !names(p->packets[i], wireview_at(k))) ok = 0;
        }
        if (k == first && len < n) snprintf(what + len, n - len, " %s", TR("no packet", "没有包"));
        return ok && i == p->npackets;
    }
    }
    return -1;
}

static void verdict(const sp_call *c)
{
    char s1[200], s2[300], line[600];
    int r = predict_judge(&armed, c, s2, sizeof s2);
    predict_said(&armed, s1, sizeof s1);
    armed.kind = 0;
    if (r < 0) {
        snprintf(line, sizeof line, TR("? you said %s — not judged: %s", "？你预测 %s —— 无法判断：%s"), s1, s2);
        out_wrap(stdout, out_col(C_YELLOW), 2, line, out_col(C_RESET));
        return;
    }
    judged++;
    right += r;
    snprintf(line, sizeof line, TR("%s you said %s: %s  (%d of %d right)", "%s 你预测 %s：%s（%d/%d 正确）"), r ? "✓" : "✗", s1, s2, right, judged);
    out_wrap(stdout, out_col(r ? C_GREEN : C_RED), 2, line, out_col(C_RESET));
}

/* Before a call that may block, with `predict on`: will it block? */
static void ask(void)
{
    char *a;
    if (!predict_read_line) return;
    a = predict_read_line(TR("will it block? [y/n] ", "它会阻塞吗？[y/n] "));
    if (!a) return;
    if (!strcasecmp(a, "y") || !strcasecmp(a, "yes") || !strcmp(a, "是") || !strcmp(a, "会")) armed.kind = PREDICT_BLOCKS;
    else if (!strcasecmp(a, "n") || !strcasecmp(a, "no") || !strcmp(a, "否") || !strcmp(a, "不会")) armed.kind = PREDICT_NOT_BLOCKS;
    else out_wrap(stdout, out_col(C_YELLOW), 2, TR("(not y or n: no prediction for this call)", "（不是 y 或 n：这次调用不预测）"), out_col(C_RESET));
    free(a);
}

/* First of all listeners at BEGIN: the question comes before the call's head is printed. */
static void before(call_event ev, const sp_call *c)
{
    if (ev != CALL_BEGIN) return;
    packets_before = wire_is_open() ? wireview_total() : 0;
    if (asking && !armed.kind && (call_kinds[c->kind].flags & CALLK_BLOCKS) && !c->job) ask();
}

/* After the report: the verdict comes under the call's result. */
static void listener(call_event ev, const sp_call *c)
{
    if (!armed.kind || ev == CALL_BEGIN) return;
    if (ev == CALL_END) verdict(c);
    else if (ev == CALL_REFUSED) {
        char s1[200], line[400];
        snprintf(line, sizeof line, TR("? you said %s — not judged: the call was refused before it ran", "？你预测 %s —— 无法判断：调用在执行前被拒绝了"),
                 predict_said(&armed, s1, sizeof s1));
        armed.kind = 0;
        out_wrap(stdout, out_col(C_YELLOW), 2, line, out_col(C_RESET));
    }
}

void predict_init(void)
{
    if (listening) return;
    call_listen(before, 1);
    call_listen(listener, 0);
    listening = 1;
}
