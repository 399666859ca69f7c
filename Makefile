# ckube: the one entry point. See README.md.
#
#   make                 build every program under cmd/ into _output/bin/
#   make test            unit tests, then integration tests (real etcd)
#   make SAN=1 test      the same with ASan + UBSan (objects in _output/san/)
#   make unit            unit tests only (SUITE=name runs one suite)
#   make integration     integration tests only
#   make fmt             reformat the tree with clang-format
#   make check-style     formatting and banned functions
#   make fuzz            every libFuzzer target for FUZZ_SECONDS (default 20)
#   make bench           benchmarks (see bench/README.md)
#   make deps            install the Debian packages ckube needs
#   make cluster         bring up a single-node cluster on this machine
#
# OUT=dir puts all build output elsewhere (parallel builds of one tree).

SHELL := /bin/bash
.DEFAULT_GOAL := all
.DELETE_ON_ERROR:
.SUFFIXES:

# ---- dependencies ---------------------------------------------------------
# Every goal but these needs the Debian packages: check them (one dpkg-query,
# fast) and install what is missing before anything else is evaluated.
NODEPS_GOALS := deps fmt check-style clean help
ifneq ($(or $(filter-out $(NODEPS_GOALS),$(MAKECMDGOALS)),$(if $(MAKECMDGOALS),,all)),)
ifneq ($(shell hack/install-deps.sh --check >/dev/null 2>&1 && echo ok),ok)
$(info ckube: installing missing Debian packages (hack/install-deps.sh))
ifneq ($(shell hack/install-deps.sh >&2 && echo ok),ok)
$(error missing Debian packages: $(shell hack/install-deps.sh --check 2>&1); run 'sudo hack/install-deps.sh')
endif
endif
endif

# ---- toolchain and flags --------------------------------------------------
# V=1 shows every command.
ifeq ($(V),1)
Q :=
say = @true
else
Q := @
say = @printf '  %-6s %s\n' $(1) $(2)
endif
SAN ?= 0
ifeq ($(SAN),1)
OUT ?= _output/san
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
else
OUT ?= _output
SANFLAGS :=
endif
BIN := $(OUT)/bin
OBJ := $(OUT)/obj
# Generated code does not depend on SAN: one copy under _output/gen.
GEN := _output/gen

CC ?= cc
PKG_MODULES := libmicrohttpd gnutls json-c yaml-0.1 libprotobuf-c openssl libcurl
PKG_CFLAGS := $(shell pkg-config --cflags $(PKG_MODULES) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKG_MODULES) 2>/dev/null)
# pkg-config grpc expands to a long absl list; the shared libraries suffice.
GRPC_LIBS := -lgrpc -lgpr
CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null)

# Warnings are errors in CI (CI=true) and whenever WERROR=1.
ifneq ($(or $(filter true 1,$(CI)),$(filter 1,$(WERROR))),)
WERRFLAG := -Werror
endif

OPT ?= -O2
CFLAGS_BASE := -std=c11 -D_GNU_SOURCE -Wall -Wextra $(WERRFLAG) -g $(OPT) \
	-fno-strict-aliasing -pthread
CPPFLAGS_ALL := -Ipkg -I$(GEN) -I$(GEN)/proto -I$(GEN)/api $(PKG_CFLAGS)
ALL_CFLAGS := $(CFLAGS_BASE) $(SANFLAGS) $(CPPFLAGS_ALL) $(CFLAGS)
LDLIBS_ALL := $(PKG_LIBS) $(GRPC_LIBS) -lpthread -lm $(LDLIBS)
ALL_LDFLAGS := $(SANFLAGS) -pthread $(LDFLAGS)

# ---- sources ----------------------------------------------------------------
PROTOS := $(shell find proto -name '*.proto' 2>/dev/null | sort)
PROTO_C := $(patsubst proto/%.proto,$(GEN)/proto/%.pb-c.c,$(PROTOS))
PROTO_H := $(PROTO_C:.c=.h)
# The built-in kinds (api/, see api/README.md), generated into $(GEN)/api,
# and the table of every message descriptor they define.
API_PROTOS := $(shell find api -name '*.proto' 2>/dev/null | sort)
API_PROTO_C := $(patsubst api/%.proto,$(GEN)/api/%.pb-c.c,$(API_PROTOS))
API_PROTO_H := $(API_PROTO_C:.c=.h)
API_DESC_C := $(GEN)/api/descriptors.c
GEN_C := $(PROTO_C) $(API_PROTO_C) $(API_DESC_C)
GEN_H := $(PROTO_H) $(API_PROTO_H)

LIB_SRCS := $(shell find pkg -name '*.c' | sort)
LIB_OBJS := $(patsubst %.c,$(OBJ)/%.o,$(LIB_SRCS)) \
	$(patsubst $(GEN)/%.c,$(OBJ)/gen/%.o,$(GEN_C))
LIB := $(OUT)/lib/libckube.a

CMDS := $(notdir $(patsubst %/,%,$(dir $(wildcard cmd/*/main.c))))
CMD_BINS := $(addprefix $(BIN)/,$(CMDS))

TESTLIB_SRCS := $(wildcard test/lib/*.c)
TESTLIB_OBJS := $(patsubst %.c,$(OBJ)/%.o,$(TESTLIB_SRCS))
UNIT_SRCS := $(wildcard test/unit/*.c)
UNIT_OBJS := $(patsubst %.c,$(OBJ)/%.o,$(UNIT_SRCS))
INTEG_SRCS := $(wildcard test/integration/*.c)
INTEG_OBJS := $(patsubst %.c,$(OBJ)/%.o,$(INTEG_SRCS))
UNIT_BIN := $(OUT)/test/unit-tests
INTEG_BIN := $(OUT)/test/integration-tests

BENCH_SRCS := $(wildcard bench/*.c)
BENCH_BINS := $(patsubst bench/%.c,$(OUT)/bench/%,$(BENCH_SRCS))

.PHONY: all deps test unit integration fmt check-style fuzz bench cluster clean help
all: $(CMD_BINS)

deps:
	hack/install-deps.sh

# ---- compile ----------------------------------------------------------------
# Every object depends on the generated headers so `make -j` never compiles a
# file before protoc-c has written what it includes; -MMD tracks the rest.
$(GEN)/proto/%.pb-c.c $(GEN)/proto/%.pb-c.h: proto/%.proto
	@mkdir -p $(GEN)/proto
	$(call say,PROTO,$<)
	$(Q)protoc-c --proto_path=proto --c_out=$(GEN)/proto $<

# api/ protos import each other by their path under api/. protoc-c writes
# into a temporary directory first: parallel builds share $(GEN).
$(GEN)/api/%.pb-c.c $(GEN)/api/%.pb-c.h: api/%.proto
	@mkdir -p $(GEN)/api
	$(call say,PROTO,$<)
	$(Q)tmp=$$(mktemp -d $(GEN)/api/.tmp.XXXXXX) && \
	{ protoc-c --proto_path=api --c_out=$$tmp $< && \
	  mkdir -p $(dir $(GEN)/api/$*) && \
	  mv -f $$tmp/$*.pb-c.h $(GEN)/api/$*.pb-c.h && \
	  mv -f $$tmp/$*.pb-c.c $(GEN)/api/$*.pb-c.c; }; \
	r=$$?; rm -rf $$tmp; exit $$r

$(API_DESC_C): $(API_PROTO_H) hack/gen-api-descriptors.sh
	@mkdir -p $(@D)
	$(call say,GEN,$@)
	$(Q)hack/gen-api-descriptors.sh $@ $(GEN)/api $(API_PROTO_H)

$(OBJ)/gen/%.o: $(GEN)/%.c | $(GEN_H)
	@mkdir -p $(@D)
	$(call say,CC,$<)
	$(Q)$(CC) $(CFLAGS_BASE) $(SANFLAGS) $(CPPFLAGS_ALL) -Wno-unused-parameter -MMD -MP -c -o $@ $<

$(OBJ)/%.o: %.c | $(GEN_H)
	@mkdir -p $(@D)
	$(call say,CC,$<)
	$(Q)$(CC) $(ALL_CFLAGS) $(if $(filter test/%,$<),$(CHECK_CFLAGS)) -MMD -MP -c -o $@ $<

$(LIB): $(LIB_OBJS)
	@mkdir -p $(@D)
	$(call say,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BIN)/%: $(OBJ)/cmd/%/main.o $(LIB)
	@mkdir -p $(@D)
	$(call say,LD,$@)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(LDLIBS_ALL)

# ---- tests ------------------------------------------------------------------
$(UNIT_BIN): $(UNIT_OBJS) $(TESTLIB_OBJS) $(LIB)
	@mkdir -p $(@D)
	$(call say,LD,$@)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(UNIT_OBJS) $(TESTLIB_OBJS) $(LIB) $(CHECK_LIBS) $(LDLIBS_ALL)

$(INTEG_BIN): $(INTEG_OBJS) $(TESTLIB_OBJS) $(LIB)
	@mkdir -p $(@D)
	$(call say,LD,$@)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(INTEG_OBJS) $(TESTLIB_OBJS) $(LIB) $(CHECK_LIBS) $(LDLIBS_ALL)

# CK_RUN_SUITE / CK_RUN_CASE (Check's own) select suites; SUITE=x is a shortcut.
# CK_TEST_TIMEOUT_MULTIPLIER scales every test's timeout (Check's
# CK_TIMEOUT_MULTIPLIER is set from it).
TEST_ENV := CK_BIN_DIR=$(abspath $(BIN)) \
	CK_TIMEOUT_MULTIPLIER=$${CK_TEST_TIMEOUT_MULTIPLIER:-$(if $(filter 1,$(SAN)),3,1)} \
	$(if $(SUITE),CK_RUN_SUITE=$(SUITE)) \
	$(if $(filter 1,$(SAN)),ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1)

# Unit first, then integration: in sequence even under make -j.
test:
	$(Q)$(MAKE) --no-print-directory unit
	$(Q)$(MAKE) --no-print-directory integration

unit: $(UNIT_BIN)
	$(TEST_ENV) $(UNIT_BIN)

integration: $(INTEG_BIN) $(CMD_BINS)
	$(TEST_ENV) $(INTEG_BIN)

# ---- style --------------------------------------------------------------------
STYLE_FILES = $(shell git ls-files -co --exclude-standard -- '*.c' '*.h' 2>/dev/null)
fmt:
	clang-format -i $(STYLE_FILES)

check-style:
	hack/check-style.sh

# ---- fuzz -------------------------------------------------------------------
# libFuzzer targets: test/fuzz/fuzz_<name>.c, built with clang against the
# library sources (ASan + UBSan), each run FUZZ_SECONDS with no crash allowed.
FUZZ_SECONDS ?= 20
FUZZ_OUT := _output/fuzz
FUZZ_SRCS := $(wildcard test/fuzz/fuzz_*.c)
FUZZ_BINS := $(patsubst test/fuzz/%.c,$(FUZZ_OUT)/bin/%,$(FUZZ_SRCS))
FUZZ_FLAGS := -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer-no-link,address,undefined \
	-fno-sanitize-recover=all $(CPPFLAGS_ALL)
FUZZ_LIB_OBJS := $(patsubst %.c,$(FUZZ_OUT)/obj/%.o,$(LIB_SRCS)) \
	$(patsubst $(GEN)/%.c,$(FUZZ_OUT)/obj/gen/%.o,$(GEN_C))

$(FUZZ_OUT)/obj/gen/%.o: $(GEN)/%.c | $(GEN_H)
	@mkdir -p $(@D)
	$(call say,CC,$<)
	$(Q)clang $(FUZZ_FLAGS) -MMD -MP -c -o $@ $<
$(FUZZ_OUT)/obj/%.o: %.c | $(GEN_H)
	@mkdir -p $(@D)
	$(call say,CC,$<)
	$(Q)clang $(FUZZ_FLAGS) -MMD -MP -c -o $@ $<
$(FUZZ_OUT)/bin/%: $(FUZZ_OUT)/obj/test/fuzz/%.o $(FUZZ_LIB_OBJS)
	@mkdir -p $(@D)
	$(call say,LD,$@)
	$(Q)clang -fsanitize=fuzzer,address,undefined -o $@ $^ $(LDLIBS_ALL)

# Objects reached only through pattern rules (the library built for fuzzing,
# the targets' and benchmarks' own) are intermediates to make:
# keep them, or every run deletes them and rebuilds everything.
.SECONDARY: $(FUZZ_LIB_OBJS) $(patsubst test/fuzz/%.c,$(FUZZ_OUT)/obj/test/fuzz/%.o,$(FUZZ_SRCS)) \
	$(patsubst bench/%.c,$(OBJ)/bench/%.o,$(BENCH_SRCS))

fuzz: $(FUZZ_BINS)
	hack/run-fuzz.sh $(FUZZ_SECONDS) $(FUZZ_BINS)

# ---- bench, cluster ---------------------------------------------------------
$(OUT)/bench/%: $(OBJ)/bench/%.o $(TESTLIB_OBJS) $(LIB)
	@mkdir -p $(@D)
	$(call say,LD,$@)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< $(TESTLIB_OBJS) $(LIB) $(CHECK_LIBS) $(LDLIBS_ALL)

bench: $(BENCH_BINS) $(CMD_BINS)
	hack/run-bench.sh $(BENCH_BINS)

cluster: $(CMD_BINS)
	hack/local-up-cluster.sh

clean:
	rm -rf _output

help:
	@sed -n '2,16p' Makefile

-include $(shell find $(OUT)/obj $(FUZZ_OUT)/obj -name '*.d' 2>/dev/null)
