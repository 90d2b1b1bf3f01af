/* unit_py.c — the prompt's Python (src/py): what the parser accepts, refuses and asks more
 * lines for, and values evaluated and written as python3 writes them. Included by
 * unit_tests.c. */
#include "py/py_eval.h"
#include "py/py_parse.h"
#include "py/py_value.h"

/* rc of py_parse for line; e's message must hold want (NULL: any). */
static void pyparse(const char *line, py_parse_rc want, const char *want_msg)
{
    py_prog g;
    py_parse_err e;
    py_parse_rc rc = py_parse(line, &g, &e);
    CHECK(rc == want && (!want_msg || strstr(e.msg, want_msg)), "'%s': rc %d '%s', want %d '%s'", line, rc, e.msg, want,
          want_msg ? want_msg : "");
    if (rc == PY_OK) py_prog_free(&g);
}

/* repr() of the value of expression src, as python3 prints it. */
static void pyrepr(const char *src, const char *want)
{
    py_prog g;
    py_parse_err e;
    py_val *v = NULL;
    char *r = NULL;
    py_clear();
    if (py_parse(src, &g, &e) != PY_OK) { CHECK(0, "'%s' did not parse: %s", src, e.msg); return; }
    if (g.n == 1 && g.v[0].kind == S_EXPR) v = py_eval(g.v[0].value);
    if (v) r = pv_repr(v);
    if (!v && py_error.raised) {
        char got[500];
        snprintf(got, sizeof got, "%s: %s", py_error.type, py_error.msg);
        CHECK(!strcmp(got, want), "'%s' raised '%s', want '%s'", src, got, want);
    } else {
        CHECK(r && !strcmp(r, want), "'%s' is %s, want %s", src, r ? r : "(null)", want);
    }
    free(r);
    pv_unref(v);
    py_prog_free(&g);
    py_clear();
}

static void python_lines(void)
{
    pyparse("tcp_server_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)", PY_OK, NULL);
    pyparse("client_socket, clientAddr = tcp_server_socket.accept()", PY_OK, NULL);
    pyparse("print('接收到的数据为:', recv_data.decode('gbk'))", PY_OK, NULL);
    pyparse("from socket import *", PY_OK, NULL);
    pyparse("tcp_server_socket.setsockopt(socket.SOL_SOCKET, # 当前套接字", PY_MORE, NULL);
    pyparse("s.setsockopt(socket.SOL_SOCKET, # c\n   socket.SO_REUSEADDR, True # d\n)", PY_OK, NULL);
    pyparse("while True:", PY_OUTSIDE, "while");
    pyparse("def main():", PY_OUTSIDE, "def");
    pyparse("with open(file_name, \"rb\") as f:", PY_OUTSIDE, "with");
    pyparse("x = [i for i in y]", PY_OUTSIDE, "for");
    pyparse("client = socket.socket(socke.AF_INET，socket.SOCK_STREAM)", PY_SYNTAX, "invalid character '，' (U+FF0C)");
    pyparse("x = 1\u3000", PY_SYNTAX, "invalid non-printable character U+3000");     /* an IME's full-width space */
    pyparse("client.send('hello'.encode='UTF-8')", PY_SYNTAX, "expression cannot contain assignment");
    pyparse("print 'hi'", PY_SYNTAX, "Missing parentheses in call to 'print'");
    pyparse("close s", PY_SYNTAX, "invalid syntax");
    pyparse("s.recv(1024) &", PY_OK, NULL);
    pyparse("f() = 1", PY_SYNTAX, "cannot assign to function call");
    pyparse("b'中'", PY_SYNTAX, "bytes can only contain ASCII");
    pyparse("'a' b'b'", PY_SYNTAX, "cannot mix bytes and nonbytes");
    pyparse("x = 'abc", PY_SYNTAX, "unterminated string literal");
    pyparse("x = 'a\033b'", PY_SYNTAX, "non-printable");
    pyparse("x = 007", PY_SYNTAX, "leading zeros");
    pyparse("f'{x:5}'", PY_OUTSIDE, "format specs");
    {
        py_prog g;
        py_parse_err e;
        CHECK(py_parse("conn, addr = s.accept() &  # wait", &g, &e) == PY_OK && g.background && g.n == 1 && g.v[0].kind == S_ASSIGN,
              "& is the background, not Python's");
        if (g.n) py_prog_free(&g);
    }

    pyrepr("b'hello'", "b'hello'");
    pyrepr("b\"it's\"", "b\"it's\"");
    pyrepr("'它\\n'", "'它\\n'");
    pyrepr("('127.0.0.1', 53312)", "('127.0.0.1', 53312)");
    pyrepr("(1,)", "(1,)");
    pyrepr("[1, 'a', None, True, 2.5]", "[1, 'a', None, True, 2.5]");
    pyrepr("'你好'.encode('gbk')", "b'\\xc4\\xe3\\xba\\xc3'");
    pyrepr("'你好'.encode('utf-8')", "b'\\xe4\\xbd\\xa0\\xe5\\xa5\\xbd'");
    pyrepr("b'\\xc4\\xe3\\xba\\xc3'.decode('gbk')", "'你好'");
    pyrepr("b'\\xff'.decode('utf-8')", "UnicodeDecodeError: 'utf-8' codec can't decode byte 0xff in position 0: invalid start byte");
    pyrepr("'你'.encode('ascii')", "UnicodeEncodeError: 'ascii' codec can't encode character '\\u4f60' in position 0: ordinal not in range(128)");
    pyrepr("'a'.encode('nope')", "LookupError: unknown encoding: nope");
    pyrepr("'%s:%d' % ('a', 5)", "'a:5'");
    pyrepr("'>>>%s:%s' % (str(('1.2.3.4', 5)), 'x')", "\">>>('1.2.3.4', 5):x\"");
    pyrepr("'%s:%d' % ('a', 'b')", "TypeError: %d format: a real number is required, not str");
    pyrepr("'{}:{}'.format('a', 5)", "'a:5'");
    pyrepr("f'{1+1} {\"x\"!r}'", "\"2 'x'\"");
    pyrepr("'=' * 5", "'====='");
    pyrepr("'[接收]' + 'a.txt'", "'[接收]a.txt'");
    pyrepr("'a' + 1", "TypeError: can only concatenate str (not \"int\") to str");
    pyrepr("b'a' + 'b'", "TypeError: can't concat str to bytes");
    pyrepr("int(' 7788 ')", "7788");
    pyrepr("int('x')", "ValueError: invalid literal for int() with base 10: 'x'");
    pyrepr("len('你好')", "2");
    pyrepr("len(b'ab')", "2");
    pyrepr("len(5)", "TypeError: object of type 'int' has no len()");
    pyrepr("(1, 2)[5]", "IndexError: tuple index out of range");
    pyrepr("('a', 'b')[-1]", "'b'");
    pyrepr("b'abc'[0]", "97");
    pyrepr("'你好吗'[1:]", "'好吗'");
    pyrepr("7 // 2, -7 // 2, 7 % -3, 7 / 2", "(3, -4, -2, 3.5)");
    pyrepr("1 / 0", "ZeroDivisionError: division by zero");
    pyrepr("0.1 + 0.2", "0.30000000000000004");
    pyrepr("1e16, 100.0", "(1e+16, 100.0)");
    pyrepr("undefined_name", "NameError: name 'undefined_name' is not defined");
    pyrepr("'a' == 'a' and 1 < 2", "True");
    pyrepr("None or 'x'", "'x'");
    pyrepr("'ab' in 'cabd'", "True");
    pyrepr("b' hi \\n'.strip()", "b'hi'");
    pyrepr("'a,b'.split(',')", "['a', 'b']");
    /* the review's cases: no crash, no hang, nothing invisible on the terminal */
    pyrepr("(-9223372036854775807 - 1) // -1", "OverflowError: the number is too large for sockplay (64 bits)");
    pyrepr("1 ** 9000000000000000000, (-1) ** 9000000000000000001, 3 ** 0", "(1, -1, 1)");
    pyrepr("len(('a,' * 300).split(','))", "301");
    pyrepr("'\\u202e\\u3000\\u200b'", "'\\u202e\\u3000\\u200b'");
    pyrepr("9223372036854775807", "9223372036854775807");
    pyparse("x = 0xffffffffffffffffffff", PY_SYNTAX, "integer too large");
    {
        char deep[20010];
        memset(deep, '-', 20000);
        strcpy(deep + 20000, "1");
        deep[0] = 'x'; deep[1] = '='; 
        pyparse(deep, PY_SYNTAX, "too many nested expressions");
    }
}
