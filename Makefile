# postfix-stats - plain Makefile; everything is built into build/.
#   make            build the programs
#   make check      build and run every test (unit, golden, docs, hostile,
#                   integration, the follower under valgrind, the unit, golden
#                   and hostile tests again under ASan+UBSan, a short fuzz run)
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
LDLIBS_LMDB = -llmdb -larchive
VERSION	:= $(shell cat VERSION)
PREFIX	?= /usr/local
BUILD	?= build

UTIL_SRC = src/util/log.c src/util/safefile.c src/util/privs.c src/util/cli.c
CORE_SRC = src/core/pflog.c src/core/classify.c src/core/keys.c \
	   src/core/store.c src/core/view.c \
	   src/core/linebuf.c src/core/rotation.c src/core/filesrc.c
# The pure part: what the parser fuzzer and most unit tests need.
PURE_SRC = src/core/pflog.c src/core/classify.c src/core/keys.c

UTIL_OBJ = $(UTIL_SRC:src/%.c=$(BUILD)/obj/%.o)
CORE_OBJ = $(CORE_SRC:src/%.c=$(BUILD)/obj/%.o)
LIB	 = $(BUILD)/libpfstats.a

PROGS	 = $(BUILD)/postfix-statsd $(BUILD)/postfix-stats-get
UNIT_TESTS = $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/test_*.c))

all: $(PROGS)

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
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS_LMDB)

$(BUILD)/postfix-stats-get: $(BUILD)/obj/postfix-stats-get/main.o $(LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS_LMDB)

$(BUILD)/tests/%: tests/unit/%.c $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -Wno-missing-prototypes -o $@ $< $(LIB) -lcmocka $(LDLIBS_LMDB)

unit: $(UNIT_TESTS)
	@fail=0; for t in $(UNIT_TESTS); do echo "== $$t"; $$t || fail=1; done; \
	    exit $$fail

golden: $(PROGS)
	BUILD=$(BUILD) sh tests/golden/run.sh

hostile: $(PROGS)
	BUILD=$(BUILD) sh tests/hostile/run.sh

docs: $(PROGS)
	BUILD=$(BUILD) sh tests/docs/check.sh

integration: $(PROGS)
	BUILD=$(BUILD) sh tests/integration/run.sh

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
    $(BUILD)/fuzz/fuzz_linebuf
	@for f in tests/fuzz/crashes/follow-*; do \
	    $(BUILD)/fuzz/fuzz_follow "$$f" >/dev/null 2>&1 || \
	    { echo "fuzz: regression $$f fails"; exit 1; }; done; \
	    echo "fuzz: the saved crash inputs pass"
	$(MAKE) fuzz FUZZ_RUNS=20000

check: all unit golden docs hostile integration valgrind asan fuzz-ci

FUZZ_FLAGS = -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_TIME ?= 60
FUZZ_RUNS ?= 0
FILESRC_SRC = src/core/linebuf.c src/core/rotation.c src/core/filesrc.c
$(BUILD)/fuzz/%: tests/fuzz/%.c $(PURE_SRC) $(FILESRC_SRC)
	@mkdir -p $(@D)
	clang $(CPPFLAGS) $(FUZZ_FLAGS) -o $@ $< $(PURE_SRC) $(FILESRC_SRC) -larchive

fuzz: $(BUILD)/fuzz/fuzz_classify $(BUILD)/fuzz/fuzz_follow \
    $(BUILD)/fuzz/fuzz_linebuf
	BUILD=$(BUILD) FUZZ_TIME=$(FUZZ_TIME) FUZZ_RUNS=$(FUZZ_RUNS) sh tests/fuzz/run.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(PREFIX)/bin \
	    $(DESTDIR)$(PREFIX)/share/man/man8 $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0755 $(BUILD)/postfix-statsd $(DESTDIR)$(PREFIX)/sbin/
	install -m 0755 $(BUILD)/postfix-stats-get $(DESTDIR)$(PREFIX)/bin/
	install -m 0644 man/postfix-statsd.8 $(DESTDIR)$(PREFIX)/share/man/man8/
	install -m 0644 man/postfix-stats-get.1 $(DESTDIR)$(PREFIX)/share/man/man1/

clean:
	rm -rf build

.PHONY: all unit golden docs hostile integration valgrind asan check fuzz fuzz-ci install clean
.SECONDARY:
