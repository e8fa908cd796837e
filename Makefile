# kgenius build.  `make` builds the release binary; `make test` builds the
# sanitizer binaries and runs the whole suite; `make demo` runs the main job on
# the bundled example.  See README.md.

PREFIX ?= /usr/local
DESTDIR ?=
CC ?= cc
PKG_CONFIG ?= pkg-config
PKGS := libfyaml libpq libcrypto libcurl

VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)

PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wvla
BASE_CFLAGS := -std=c17 -D_GNU_SOURCE -DKG_VERSION='"$(VERSION)"' -Isrc $(WARN) $(PKG_CFLAGS)
REL_CFLAGS := $(BASE_CFLAGS) -O2 -g
# gcc leaves float-cast-overflow out of undefined (clang has it): a double no
# integer type holds, converted, is undefined behaviour all the same
SAN_FLAGS := -fsanitize=address,undefined,float-cast-overflow -fno-sanitize-recover=all -fno-omit-frame-pointer
TEST_CFLAGS := $(BASE_CFLAGS) -O1 -g $(SAN_FLAGS) -Itests/unit
LDLIBS := $(PKG_LIBS) -lm -pthread
# kgenius itself loads libfyaml and libcrypto only: migrate and verify, with
# libpq and libcurl, are kgenius-online, which kgenius runs for them
# (src/cli/online.c says why).
CORE_PKGS := libfyaml libcrypto
CORE_LDLIBS := $(shell $(PKG_CONFIG) --libs $(CORE_PKGS) 2>/dev/null) -lm -pthread

MAIN_SRC := src/cli/main.c src/cli/main_online.c
LIB_SRC := $(sort $(filter-out $(MAIN_SRC),$(wildcard src/*/*.c)))
# What only kgenius-online holds.
ONLINE_SRC := $(sort $(wildcard src/migrate/*.c src/verify/*.c src/cli/cmd_migrate*.c)) src/cli/cmd_verify.c \
	src/cli/db_opts.c src/cli/table_online.c
CORE_SRC := $(filter-out $(ONLINE_SRC),$(LIB_SRC))
UNIT_SRC := $(sort $(wildcard tests/unit/*.c))

REL_CORE_OBJ := $(patsubst %.c,build/rel/%.o,$(CORE_SRC) src/cli/main.c)
REL_ONLINE_OBJ := $(patsubst %.c,build/rel/%.o,$(LIB_SRC) src/cli/main_online.c)
REL_OBJ := $(patsubst %.c,build/rel/%.o,$(LIB_SRC) $(MAIN_SRC))
SAN_LIB_OBJ := $(patsubst %.c,build/san/%.o,$(LIB_SRC))
SAN_CORE_OBJ := $(patsubst %.c,build/san/%.o,$(CORE_SRC) src/cli/main.c)
SAN_ONLINE_OBJ := $(patsubst %.c,build/san/%.o,$(LIB_SRC) src/cli/main_online.c)
SAN_MAIN_OBJ := $(patsubst %.c,build/san/%.o,$(MAIN_SRC))
UNIT_OBJ := $(patsubst %.c,build/san/%.o,$(UNIT_SRC))

.PHONY: pg-messages all build check-deps test test-build demo bench install clean schema fuzz fuzz-build

all: build
build: check-deps build/kgenius build/kgenius-online

check-deps:
	@$(PKG_CONFIG) --exists $(PKGS) || { \
	  echo "error: missing libraries ($(PKGS)); run: apt-get install -y libfyaml-dev libpq-dev libssl-dev libcurl4-openssl-dev pkg-config" >&2; exit 3; }

build/kgenius: $(REL_CORE_OBJ)
	@echo "  LD      $@"
	@$(CC) $(REL_CFLAGS) -o $@ $^ $(CORE_LDLIBS)

build/kgenius-online: $(REL_ONLINE_OBJ)
	@echo "  LD      $@"
	@$(CC) $(REL_CFLAGS) -o $@ $^ $(LDLIBS)

build/rel/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(REL_CFLAGS) -MMD -MP -c -o $@ $<

build/san/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC san  $<"
	@$(CC) $(TEST_CFLAGS) -MMD -MP -c -o $@ $<

build/san/kgenius: $(SAN_CORE_OBJ)
	@echo "  LD san  $@"
	@$(CC) $(TEST_CFLAGS) -o $@ $^ $(CORE_LDLIBS)

build/san/kgenius-online: $(SAN_ONLINE_OBJ)
	@echo "  LD san  $@"
	@$(CC) $(TEST_CFLAGS) -o $@ $^ $(LDLIBS)

build/san/unit-tests: $(SAN_LIB_OBJ) $(UNIT_OBJ)
	@echo "  LD san  $@"
	@$(CC) $(TEST_CFLAGS) -o $@ $^ $(LDLIBS)

test-build: check-deps build build/san/kgenius build/san/kgenius-online build/san/unit-tests build/rusage

test: test-build
	@tests/run

# The main job: the InsightPulse Compose project to kubernetes/ (credentials
# already there are kept, so the output does not change from run to run).
demo: build
	./build/kgenius convert --project-directory examples/insightpulse --env-file examples/insightpulse/.env.example -o kubernetes
	@cat kubernetes/NOTES.md

build/yaml-parse-only: tools/yaml-parse-only.c
	@$(CC) $(REL_CFLAGS) -o $@ $< $(LDLIBS)

build/rusage: tools/rusage.c
	@mkdir -p build
	@$(CC) $(REL_CFLAGS) -o $@ $<

bench: build build/yaml-parse-only build/rusage
	@tools/bench

# libFuzzer harnesses, one per parser (fuzz/), built with clang; `make fuzz`
# builds and runs each for FUZZ_SECONDS of CPU (tools/fuzz), seeded from the tests'
# data. Not part of `make test`.
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 1800
# clang warns of literals concatenated in an initializer (the SQL does it on
# purpose) and of va_list formats gcc accepts
FUZZ_CFLAGS := $(BASE_CFLAGS) -Wno-string-concatenation -Wno-format-nonliteral -O1 -g -fsanitize=fuzzer-no-link,address,undefined \
	-fno-sanitize-recover=all -Ifuzz
FUZZ_HARNESSES := compose_loader dotenv lint_stream diagnose_readers keycloak_export
FUZZ_LIB_OBJ := $(patsubst %.c,build/fuzz/%.o,$(LIB_SRC) fuzz/fuzz_util.c)

build/fuzz/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC fuzz $<"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -c -o $@ $<

build/fuzz/bin/%: build/fuzz/fuzz/%.o $(FUZZ_LIB_OBJ)
	@mkdir -p $(dir $@)
	@echo "  LD fuzz $@"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)

.SECONDARY: $(FUZZ_LIB_OBJ) $(patsubst %,build/fuzz/fuzz/%.o,$(FUZZ_HARNESSES))

fuzz-build: check-deps $(addprefix build/fuzz/bin/,$(FUZZ_HARNESSES))

fuzz: fuzz-build
	@FUZZ_SECONDS=$(FUZZ_SECONDS) tools/fuzz $(FUZZ_HARNESSES)

install: build
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 build/kgenius build/kgenius-online $(DESTDIR)$(PREFIX)/bin/

# Regenerates the embedded schema tables from ../shared/k8s (committed).
schema:
	tools/gen-schema ../shared/k8s src/lint/schema_data.c

# PostgreSQL's message catalogue, from unpacked source releases, oldest
# first: make pg-messages PG_SOURCES="../postgresql-13.16 ../postgresql-15.18"
pg-messages:
	tools/gen-pg-messages src/facts/pg_messages.inc src/facts/pg_message_sites.inc $(PG_SOURCES)

clean:
	rm -rf build

-include $(REL_OBJ:.o=.d) $(SAN_LIB_OBJ:.o=.d) $(SAN_MAIN_OBJ:.o=.d) $(UNIT_OBJ:.o=.d) $(FUZZ_LIB_OBJ:.o=.d) \
	$(patsubst %,build/fuzz/fuzz/%.d,$(FUZZ_HARNESSES))
