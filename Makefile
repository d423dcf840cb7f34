# SPDX-License-Identifier: ISC
# postfix-stats - plain Makefile; everything is built into build/.
#   make            build the programs
#   make test       the fast tests, no root needed (unit, golden, docs, hostile,
#                   cli)
#   make check      build and run every test (the fast ones, integration, the
#                   follower under valgrind, the unit, golden and hostile tests
#                   again under ASan+UBSan, a short fuzz run)
#   make fuzz       build and run the libFuzzer harnesses for a while
#   make install    install under $(PREFIX) (default /usr/local)

CC	?= cc
CFLAGS	?= -O2 -g
WARN	 = -Wall -Wextra -Wshadow -Wpointer-arith -Wstrict-prototypes \
	   -Wmissing-prototypes -Wformat=2 -Werror=implicit-function-declaration \
	   $(WARN_TRUNC)
# Diagnostics are truncated on purpose; clang has no such warning.
WARN_TRUNC ?= -Wno-format-truncation
CPPFLAGS += -D_GNU_SOURCE -Isrc/util -Isrc/core
LDLIBS_LMDB = -llmdb
LDLIBS_SYSTEMD = -lsystemd
LDLIBS_JSON = -ljson-c
LDLIBS_ARCHIVE = -larchive
VERSION	:= $(shell cat VERSION)
PREFIX	?= /usr/local
BUILD	?= build

UTIL_SRC = src/util/log.c src/util/safefile.c src/util/privs.c src/util/cli.c \
	   src/util/daemon.c
CORE_SRC = src/core/pflog.c src/core/classify.c src/core/keys.c \
	   src/core/store.c src/core/view.c \
	   src/core/linebuf.c src/core/rotation.c src/core/filesrc.c \
	   src/core/promtext.c src/core/pump.c \
	   src/core/journal.c src/core/qsample.c
# The pure part: what the parser fuzzer and most unit tests need.
PURE_SRC = src/core/pflog.c src/core/classify.c src/core/keys.c

UTIL_OBJ = $(UTIL_SRC:src/%.c=$(BUILD)/obj/%.o)
CORE_OBJ = $(CORE_SRC:src/%.c=$(BUILD)/obj/%.o)
LIB	 = $(BUILD)/libpfstats.a

PROGS	 = $(BUILD)/postfix-statsd $(BUILD)/postfix-stats-get
PROGS	+= $(BUILD)/postfix-stats-exporter
LDLIBS_MHD = -lmicrohttpd
PROGS	+= $(BUILD)/postfix-stats-agentx
UNIT_TESTS = $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/test_*.c))

all: $(PROGS) $(BUILD)/mibgen $(BUILD)/tests/setgauge

$(BUILD)/obj/%.o: src/%.c $(wildcard src/*/*.h)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -c -o $@ $<

# The one version string: the VERSION file.
$(BUILD)/obj/util/cli.o: src/util/cli.c src/util/cli.h VERSION
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -DPFSTATS_VERSION='"$(VERSION)"' $(CFLAGS) $(WARN) -c -o $@ $<

$(LIB): $(CORE_OBJ) $(UTIL_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/postfix-statsd: $(BUILD)/obj/postfix-statsd/main.o $(LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS_LMDB) $(LDLIBS_SYSTEMD) $(LDLIBS_JSON) $(LDLIBS_ARCHIVE)

$(BUILD)/postfix-stats-get: $(BUILD)/obj/postfix-stats-get/main.o $(LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS_LMDB)

$(BUILD)/postfix-stats-exporter: $(BUILD)/obj/postfix-stats-exporter/main.o $(LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS_LMDB) $(LDLIBS_MHD) -lpthread
# The AgentX subagent: Net-SNMP's agent library only (not pkg-config's line,
# which drags in libnetsnmpmibs, libsensors and libpci).
AGENTX_OBJ = $(BUILD)/obj/postfix-stats-agentx/main.o \
	     $(BUILD)/obj/postfix-stats-agentx/pfsmib.o
$(BUILD)/postfix-stats-agentx: $(AGENTX_OBJ) $(LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ -lnetsnmpagent -lnetsnmp $(LDLIBS_LMDB)

# The MIB is generated from the keys catalogue: `make mib` rewrites it.
$(BUILD)/mibgen: $(BUILD)/obj/postfix-stats-agentx/mibgen.o \
	    $(BUILD)/obj/postfix-stats-agentx/pfsmib.o $(LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^

# A test tool: sets gauges in a database (tests/integration/t_agentx.sh).
$(BUILD)/tests/setgauge: tests/integration/setgauge.c $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -o $@ $< $(LIB) $(LDLIBS_LMDB)

mib: $(BUILD)/mibgen
	$(BUILD)/mibgen >mibs/POSTFIX-STATS-MIB.txt.new
	mv mibs/POSTFIX-STATS-MIB.txt.new mibs/POSTFIX-STATS-MIB.txt

$(BUILD)/tests/%: tests/unit/%.c $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -Wno-missing-prototypes -o $@ $< $(LIB) -lcmocka $(LDLIBS_LMDB) $(LDLIBS_SYSTEMD) $(LDLIBS_JSON) $(LDLIBS_ARCHIVE)

unit: $(UNIT_TESTS)
	@sh tests/unit/run.sh $(UNIT_TESTS)

golden: $(PROGS)
	BUILD=$(BUILD) sh tests/golden/run.sh

hostile: $(PROGS)
	BUILD=$(BUILD) sh tests/hostile/run.sh

docs: $(PROGS)
	BUILD=$(BUILD) sh tests/docs/check.sh

integration: $(PROGS)
	BUILD=$(BUILD) sh tests/integration/run.sh

# -h/--help, -V/--version and bad options of every program; the reader's errors.
cli: $(PROGS)
	BUILD=$(BUILD) sh tests/cli/run.sh

test: all unit golden docs hostile cli

# The same unit and golden tests with AddressSanitizer and UBSan.
asan:
	$(MAKE) BUILD=build/asan CC=clang WARN_TRUNC= \
	    CFLAGS="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
	    LDFLAGS="-fsanitize=address,undefined" unit golden hostile

# The follower's integration tests again, the daemon under valgrind.
valgrind: $(PROGS)
	BUILD=$(BUILD) sh tests/integration/valgrind.sh

# A short, fixed fuzzing run for CI; `make fuzz` runs longer.
fuzz-ci: $(BUILD)/fuzz/fuzz_classify $(BUILD)/fuzz/fuzz_follow \
    $(BUILD)/fuzz/fuzz_paths $(BUILD)/fuzz/fuzz_linebuf $(BUILD)/fuzz/fuzz_rotation
	@for f in tests/fuzz/crashes/follow-*; do \
	    $(BUILD)/fuzz/fuzz_follow "$$f" >/dev/null 2>&1 || \
	    { echo "fuzz: regression $$f fails"; exit 1; }; done; \
	    echo "fuzz: the saved crash inputs pass"
	$(MAKE) fuzz FUZZ_RUNS=20000

check: all unit golden docs hostile cli integration valgrind asan diff-parse fuzz-ci

# The header parser's vector paths against the scalar one, under ASan+UBSan.
DIFF_FLAGS = -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all
build/asan/diff_pflog: tests/parse/diff_pflog.c src/core/pflog.c src/core/pflog.h
	@mkdir -p $(@D)
	clang $(CPPFLAGS) $(DIFF_FLAGS) -o $@ tests/parse/diff_pflog.c src/core/pflog.c

diff-parse: build/asan/diff_pflog
	BUILD=build/asan sh tests/parse/run.sh

FUZZ_FLAGS = -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_TIME ?= 60
FUZZ_RUNS ?= 0
FILESRC_SRC = src/core/linebuf.c src/core/rotation.c src/core/filesrc.c
$(BUILD)/fuzz/%: tests/fuzz/%.c $(PURE_SRC) $(FILESRC_SRC)
	@mkdir -p $(@D)
	clang $(CPPFLAGS) $(FUZZ_FLAGS) -o $@ $< $(PURE_SRC) $(FILESRC_SRC) -larchive

fuzz: $(BUILD)/fuzz/fuzz_classify $(BUILD)/fuzz/fuzz_follow \
    $(BUILD)/fuzz/fuzz_paths $(BUILD)/fuzz/fuzz_linebuf $(BUILD)/fuzz/fuzz_rotation
	BUILD=$(BUILD) FUZZ_TIME=$(FUZZ_TIME) FUZZ_RUNS=$(FUZZ_RUNS) sh tests/fuzz/run.sh \
	    fuzz_classify fuzz_follow fuzz_paths fuzz_linebuf fuzz_rotation

# Units name the packaged paths (/usr/sbin, /usr/bin); installed under
# another PREFIX they are rewritten to name the programs where they went.
UNITDIR	?= $(PREFIX)/lib/systemd/system
MIBDIR	?= $(PREFIX)/share/snmp/mibs
UNITS	 = $(wildcard contrib/*.service)
MAN1	 = $(wildcard man/*.1)
MAN8	 = $(wildcard man/*.8)
SBIN_PROGS = $(filter-out $(BUILD)/postfix-stats-get,$(PROGS))

install: all
	install -d $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(PREFIX)/bin \
	    $(DESTDIR)$(PREFIX)/share/man/man8 $(DESTDIR)$(PREFIX)/share/man/man1 \
	    $(DESTDIR)$(UNITDIR)
	install -m 0755 $(SBIN_PROGS) $(DESTDIR)$(PREFIX)/sbin/
	install -m 0755 $(BUILD)/postfix-stats-get $(DESTDIR)$(PREFIX)/bin/
	install -m 0644 $(MAN8) $(DESTDIR)$(PREFIX)/share/man/man8/
	install -m 0644 $(MAN1) $(DESTDIR)$(PREFIX)/share/man/man1/
	for u in $(UNITS); do \
	    sed -e 's#/usr/sbin/#$(PREFIX)/sbin/#g' \
	        -e 's#/usr/bin/postfix-stats#$(PREFIX)/bin/postfix-stats#g' \
	        "$$u" >"$(DESTDIR)$(UNITDIR)/$${u##*/}" && \
	    chmod 0644 "$(DESTDIR)$(UNITDIR)/$${u##*/}" || exit 1; done
	if [ -f mibs/POSTFIX-STATS-MIB.txt ]; then \
	    install -d $(DESTDIR)$(MIBDIR) && \
	    install -m 0644 mibs/POSTFIX-STATS-MIB.txt $(DESTDIR)$(MIBDIR)/; fi

clean:
	rm -rf build

.PHONY: all mib unit golden docs hostile cli integration valgrind asan diff-parse test check fuzz fuzz-ci install clean
.SECONDARY:
