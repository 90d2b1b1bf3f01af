#!/bin/sh
# sockplay under valgrind (make valgrind): every run leaves a log in $VG_LOGS; the Makefile
# fails if any of them holds an error or a definite leak.
exec valgrind -q --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite \
     --error-exitcode=99 --log-file="${VG_LOGS:-/tmp}/vg.%p.log" "${SOCKPLAY_REAL:?}" "$@"
