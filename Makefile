# sockplay — `make` builds ./sockplay, `make run` starts it, `make test` runs every test.
# `make run` and `make test` install the Debian packages they miss (as root; otherwise they
# print the exact apt-get command); a plain `make` only says what is missing, and DEPS=no
# (or a package build, where DEB_BUILD_OPTIONS is set) never looks.

CC       ?= cc
READLINE ?= yes
BUILD    ?= build
VERSION  := 0.2.0
PREFIX   ?= /usr/local
DESTDIR  ?=
DEPS     ?= $(if $(DEB_BUILD_OPTIONS),no,yes)

LUA_CFLAGS := $(shell pkg-config --cflags lua5.4 2>/dev/null)
LUA_LIBS   := $(shell pkg-config --libs lua5.4 2>/dev/null || echo -llua5.4)
NL_CFLAGS  := $(shell pkg-config --cflags libnl-route-3.0 2>/dev/null || echo -I/usr/include/libnl3)
JSON_CFLAGS := $(shell pkg-config --cflags json-c 2>/dev/null || echo -I/usr/include/json-c)

# CFLAGS is the user's (optimisation, sanitizers); SP_CFLAGS is what sockplay always needs.
CFLAGS    ?= -O2 -g
SP_CFLAGS := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
             -DSP_VERSION='"$(VERSION)"' -Isrc -I$(BUILD) $(LUA_CFLAGS) $(NL_CFLAGS) $(JSON_CFLAGS) -MMD -MP
LDLIBS    += -ljson-c -lpthread -lm -ldl    # libpcap and libnl are opened when needed (wire/wire_pcap.h, lab/lab_nl.h)

SRCS := $(wildcard src/*.c src/*/*.c)
ifeq ($(READLINE),yes)
SP_CFLAGS += -DSP_READLINE
LDLIBS += -lreadline
else
SRCS := $(filter-out src/cli/lineedit_readline.c,$(SRCS))
endif
OBJS := $(SRCS:src/%.c=$(BUILD)/%.o)

BUILD_PKGS := pkg-config liblua5.4-dev libpcap-dev libnl-route-3-dev libjson-c-dev $(if $(filter yes,$(READLINE)),libreadline-dev)
TEST_PKGS  := lua5.4 python3 tmux curl netcat-openbsd socat valgrind clang iproute2 man-db groff-base tcpdump \
              debhelper dh-apparmor dpkg-dev lintian

.PHONY: all run test asan clang clean deps test-deps check-deps unit install uninstall FORCE fuzz valgrind bench deb
all: sockplay

# Checks for Debian packages; installs them when run as root, else says how. With DEPS=no
# it does nothing; $(2)=check only says what is missing and fails.
define need_pkgs
	@[ "$(DEPS)" = no ] && exit 0; command -v dpkg-query >/dev/null || exit 0; missing=""; \
	for p in $(1); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; done; \
	[ -z "$$missing" ] && exit 0; \
	if [ "$(2)" = check ]; then echo "sockplay needs Debian packages:$$missing — \`make deps\` installs them (or: sudo apt-get install$$missing)"; exit 1; fi; \
	if [ "$$(id -u)" = 0 ]; then \
	  echo "sockplay: installing Debian packages:$$missing"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  { apt-get install -y -qq $$missing || { apt-get update -qq && apt-get install -y -qq $$missing; }; } >$(BUILD)/apt.log 2>&1 \
	    || { tail -n 20 $(BUILD)/apt.log; exit 1; }; \
	else echo "sockplay needs Debian packages. Run:  sudo apt-get install$$missing"; exit 1; fi
endef

# The one step that installs: `make run` and `make test` call it; a build only checks.
deps: | $(BUILD)
	$(call need_pkgs,$(BUILD_PKGS))

test-deps: | $(BUILD)
	$(call need_pkgs,$(BUILD_PKGS) $(TEST_PKGS))

check-deps: | $(BUILD)
	$(call need_pkgs,$(BUILD_PKGS),check)

$(BUILD):
	@mkdir -p $(BUILD)

sockplay: $(OBJS)
	@echo "  LD  $@"; $(CC) $(LDFLAGS) -o $@.$$$$ $(OBJS) $(LUA_LIBS) $(LDLIBS) && mv -f $@.$$$$ $@ || { rm -f $@.$$$$; exit 1; }

# Where `make install` puts the lessons, compiled in; rewritten only when PREFIX changes.
# Every file make writes goes under a name of its own ($@.PID) and is renamed into place,
# so two makes at once in one checkout (make run here, make test there) never collide.
$(BUILD)/config.h: FORCE | $(BUILD)
	@t=$@.$$$$; printf '#define SP_LESSONS_DIR "%s"\n' '$(PREFIX)/share/sockplay/lua_lessons' > $$t; \
	if cmp -s $$t $@; then rm -f $$t; else mv -f $$t $@; fi
$(BUILD)/lua/lesson.o: $(BUILD)/config.h

$(BUILD)/%.o: src/%.c | check-deps
	@echo "  CC  $<"; mkdir -p $(@D); t=$@.$$$$; $(CC) $(CPPFLAGS) $(CFLAGS) $(SP_CFLAGS) $(if $(LUA_CFLAGS),,$(shell pkg-config --cflags lua5.4 2>/dev/null)) \
	  -MF $(@:.o=.d).$$$$ -MT $@ -c -o $$t $< && mv -f $(@:.o=.d).$$$$ $(@:.o=.d) && mv -f $$t $@ \
	  || { rm -f $$t $(@:.o=.d).$$$$; exit 1; }

run: deps
	@$(MAKE) --no-print-directory sockplay
	./sockplay

# Everything but main: the word-table test reads the command table, which names every handler.
UNIT_OBJS := $(filter-out $(BUILD)/main.o,$(OBJS))
$(BUILD)/unit_tests: tests/unit/unit_tests.c tests/unit/unit_wire.c tests/unit/unit_lab.c tests/unit/unit_py.c $(UNIT_OBJS)
	@echo "  LD  $@"; $(CC) $(CFLAGS) $(SP_CFLAGS) $(LDFLAGS) -Isrc -o $@.$$$$ $< $(UNIT_OBJS) $(LUA_LIBS) $(LDLIBS) && mv -f $@.$$$$ $@ || { rm -f $@.$$$$; exit 1; }

unit: $(BUILD)/unit_tests

# The packet capture's test driver (tests/test_wire_module.py runs it in a namespace).
$(BUILD)/wire_probe: tests/wire/wire_probe.c $(UNIT_OBJS)
	@echo "  LD  $@"; $(CC) $(CFLAGS) $(SP_CFLAGS) $(LDFLAGS) -Isrc -o $@.$$$$ $< $(UNIT_OBJS) $(LUA_LIBS) $(LDLIBS) && mv -f $@.$$$$ $@ || { rm -f $@.$$$$; exit 1; }

test: test-deps
	@$(MAKE) --no-print-directory sockplay unit $(BUILD)/wire_probe
	@SOCKPLAY=$(CURDIR)/sockplay UNIT=$(CURDIR)/$(BUILD)/unit_tests WIRE_PROBE=$(CURDIR)/$(BUILD)/wire_probe bash tests/run.sh

# The same suite against a build with AddressSanitizer and UBSan.
asan: test-deps
	$(MAKE) BUILD=build/asan CFLAGS='-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all' \
	        LDFLAGS='-fsanitize=address,undefined' build/asan/sockplay build/asan/unit_tests build/asan/wire_probe
	@SP_VARIANT=asan ASAN_OPTIONS=detect_leaks=1 SOCKPLAY=$(CURDIR)/build/asan/sockplay UNIT=$(CURDIR)/build/asan/unit_tests \
	  WIRE_PROBE=$(CURDIR)/build/asan/wire_probe bash tests/run.sh

# Variant builds (asan, READLINE=no, clang) link inside their own BUILD folder.
$(BUILD)/sockplay: $(OBJS)
	@echo "  LD  $@"; $(CC) $(LDFLAGS) -o $@.$$$$ $(OBJS) $(LUA_LIBS) $(LDLIBS) && mv -f $@.$$$$ $@ || { rm -f $@.$$$$; exit 1; }

# libFuzzer on the command parser, the DATA decoder and the packet decoder, FUZZ_SECONDS each (corpus in
# tests/fuzz/NAME; what the fuzzer finds goes to build/fuzz, crashes fail the target).
FUZZ_SECONDS ?= 60
FUZZ_SRCS := src/lang/parse.c src/lang/encoding.c src/report/out.c src/core/registry.c src/lang/pyline.c src/lang/words.c \
             src/wire/packet.c src/py/py_lex.c src/py/py_parse.c
build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_SRCS) | check-deps
	$(call need_pkgs,clang libclang-rt-14-dev)
	@mkdir -p build/fuzz
	clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -Isrc -o $@ $< $(FUZZ_SRCS)

fuzz: build/fuzz/fuzz_parse build/fuzz/fuzz_data build/fuzz/fuzz_packet
	@for t in parse data packet; do \
	  mkdir -p build/fuzz/work-$$t; \
	  echo "== fuzz_$$t for $(FUZZ_SECONDS) s"; \
	  build/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -timeout=5 -rss_limit_mb=1024 -print_final_stats=1 \
	    -artifact_prefix=build/fuzz/crash-$$t- build/fuzz/work-$$t tests/fuzz/$$t 2>build/fuzz/$$t.log \
	    || { tail -n 40 build/fuzz/$$t.log; exit 1; }; \
	  grep -E '^(Done|stat::number_of_executed_units|stat::peak_rss_mb)' build/fuzz/$$t.log; \
	done

# The whole suite, and so every lesson, under valgrind (memcheck): any error fails.
# valgrind keeps fd 3 open for itself, so a session's first socket is fd 4 there.
valgrind: test-deps
	@$(MAKE) --no-print-directory sockplay unit $(BUILD)/wire_probe
	@rm -rf build/valgrind; mkdir -p build/valgrind; chmod 1777 build/valgrind
	@VG_LOGS=$(CURDIR)/build/valgrind SOCKPLAY=$(CURDIR)/tests/valgrind.sh SOCKPLAY_REAL=$(CURDIR)/sockplay \
	  UNIT=$(CURDIR)/$(BUILD)/unit_tests SP_TIME_SCALE=10 SP_FIRST_FD=4 bash tests/run.sh; rc=$$?; \
	  n=$$(ls build/valgrind | wc -l); bad=$$(grep -l . build/valgrind/* 2>/dev/null | wc -l); \
	  echo "valgrind: $$n sockplay runs, $$bad with errors or definite leaks"; \
	  for f in $$(grep -l . build/valgrind/* 2>/dev/null); do head -n 30 $$f; done; \
	  [ "$$rc" = 0 ] && [ "$$bad" = 0 ]

# Benchmarks (bench/): Lua bindings against plain C and Python, start-up, table cost.
BENCH_OBJS := $(filter-out $(BUILD)/main.o,$(OBJS))
build/bench/%: bench/%.c | $(BUILD)
	@mkdir -p build/bench
	$(CC) -O2 -Wall -Werror -o $@ $<
build/bench/table_bench: bench/table_bench.c $(BENCH_OBJS)
	@mkdir -p build/bench
	$(CC) $(CFLAGS) $(SP_CFLAGS) -Isrc -o $@ $< $(BENCH_OBJS) $(LUA_LIBS) $(LDLIBS)

bench: test-deps
	@$(MAKE) --no-print-directory sockplay build/bench/peer build/bench/client build/bench/table_bench
	@python3 bench/run.py

# -Wall -Wextra -Werror under clang too, with and without readline.
clang:
	$(MAKE) -s BUILD=build/clang CC=clang build/clang/sockplay
	$(MAKE) -s BUILD=build/clang-plain CC=clang READLINE=no build/clang-plain/sockplay

# make install [PREFIX=/usr/local] [DESTDIR=staging]: the program, its lessons and exercises, the man page,
# the docs and bash completion.
install: sockplay
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/sockplay/lua_lessons/exercises \
	           $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/doc/sockplay \
	           $(DESTDIR)$(PREFIX)/share/bash-completion/completions
	install -m 755 sockplay $(DESTDIR)$(PREFIX)/bin/sockplay
	install -m 644 lua_lessons/*.lua $(DESTDIR)$(PREFIX)/share/sockplay/lua_lessons/
	install -m 644 lua_lessons/exercises/*.lua $(DESTDIR)$(PREFIX)/share/sockplay/lua_lessons/exercises/
	install -m 644 docs/sockplay.1 $(DESTDIR)$(PREFIX)/share/man/man1/sockplay.1
	install -m 644 README.md docs/*.md $(DESTDIR)$(PREFIX)/share/doc/sockplay/
	install -m 644 src/cli/sockplay.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/sockplay

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/sockplay $(DESTDIR)$(PREFIX)/share/man/man1/sockplay.1
	rm -rf $(DESTDIR)$(PREFIX)/share/sockplay $(DESTDIR)$(PREFIX)/share/doc/sockplay
	rm -f $(DESTDIR)$(PREFIX)/share/bash-completion/completions/sockplay

# make deb: a Debian package in build/deb/ (debian/ is src/debian, laid over a copy of the
# tree), checked by lintian; `sudo apt install ./build/deb/sockplay_*.deb` installs it.
DEB_PKGS := debhelper dh-apparmor dpkg-dev lintian $(BUILD_PKGS)
deb: | $(BUILD)
	$(call need_pkgs,$(DEB_PKGS))
	@v=$$(dpkg-parsechangelog -l src/debian/changelog -S Version); [ "$$v" = "$(VERSION)" ] || \
	  { echo "src/debian/changelog says $$v, the Makefile $(VERSION): add a changelog entry"; exit 1; }
	@rm -rf build/deb; mkdir -p build/deb/sockplay-$(VERSION)
	@cp -r src lua_lessons docs Makefile README.md build/deb/sockplay-$(VERSION)/
	@cp -r src/debian build/deb/sockplay-$(VERSION)/debian
	cd build/deb/sockplay-$(VERSION) && dpkg-buildpackage -us -uc -b >../build.log 2>&1 || { tail -n 30 ../build.log; exit 1; }
	lintian --fail-on error build/deb/sockplay_$(VERSION)_*.changes
	@ls build/deb/sockplay_$(VERSION)_*.deb

clean:
	rm -rf build sockplay

-include $(OBJS:.o=.d)
