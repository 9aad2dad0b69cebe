# Cairn — build, test and demo entry points. See README.md.
#
#   make demo    install what is missing, build, run the demo federation
#   make test    install what is missing, build, run the whole test suite
#   make torture long crash (kill -9) and network-fault runs (Docs/Torture.md, ~10 min)
#   make proto   regenerate Sources/CairnWire from Proto/ (needs protoc; not needed to build)

SHELL := /bin/bash
SWIFT ?= swift
# Debian packages the build and the tests need.
SYSTEM_PACKAGES := libsodium-dev libssl-dev libsqlite3-dev pkg-config sqlite3 util-linux procps systemd
# What only the tests need: promtool (Debian's prometheus package) checks the metrics exposition;
# jq is in the docs' examples, which a test runs.
TEST_PACKAGES := prometheus jq
PROTO_PACKAGES := protobuf-compiler

.PHONY: all deps build release test torture demo bench install install-files man completions proto clean

all: build

# The Swift driver makes a /tmp/TemporaryDirectory.XXXXXX for each compile it runs and does not
# remove it when it execs the frontend in its place (issue 17 counted ~26 per `make test`). Builds
# here point TMPDIR into .build, emptied before each build and removed by `make clean`.
BUILD_TMP := $(CURDIR)/.build/tmp
SWIFT_BUILD = rm -rf "$(BUILD_TMP)" && mkdir -p "$(BUILD_TMP)" && TMPDIR="$(BUILD_TMP)" $(SWIFT)

# Installs missing system packages with apt-get when run as root; otherwise prints the command.
deps:
	@missing=""; \
	for p in $(SYSTEM_PACKAGES) $(EXTRA_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else \
	    echo "missing system packages:$$missing"; \
	    echo "install them with: sudo apt-get install$$missing"; exit 1; \
	  fi; \
	fi

build: deps
	$(SWIFT_BUILD) build

release: deps
	$(SWIFT_BUILD) build -c release

# The run's temporary files, and the folders the test runner itself leaves, go in one folder
# of this run (a short path: sockets live there), removed afterwards.
test:
	$(MAKE) deps EXTRA_PACKAGES="$(TEST_PACKAGES)"
	$(SWIFT_BUILD) build --build-tests
	scratch=$$(mktemp -d /tmp/cairn-test.XXXXXX) && TMPDIR=$$scratch $(SWIFT) test --skip-build; \
	  status=$$?; rm -rf "$$scratch"; exit $$status

# Long runs of the crash and network-fault harness (scripts/torture.sh sets the sizes;
# CAIRN_TORTURE_KILLS, CAIRN_TORTURE_FAULT_SECONDS and CAIRN_TORTURE_SEED override them).
torture: deps
	SWIFT=$(SWIFT) ./scripts/torture.sh

demo: build
	./scripts/demo.sh

# Installs release binaries, the systemd unit, the sysusers snippet, an example configuration
# and the documentation. DESTDIR stages into another root; PREFIX defaults to /usr/local.
PREFIX ?= /usr/local
DESTDIR ?=
install: release
	$(MAKE) install-files BIN_DIR="$$($(SWIFT) build -c release --show-bin-path)"

# The copying half of `install`, from already built binaries in BIN_DIR (the systemd
# walk-through test installs the debug build this way).
BIN_DIR ?= .build/release
install-files:
	install -d -m 0755 $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/doc/cairn
	install -m 0755 "$(BIN_DIR)/cairnd" "$(BIN_DIR)/cairn" $(DESTDIR)$(PREFIX)/bin/
	install -d -m 0755 $(DESTDIR)/etc/systemd/system $(DESTDIR)/usr/lib/sysusers.d
	sed 's#/usr/local#$(PREFIX)#g' systemd/cairnd.service > $(DESTDIR)/etc/systemd/system/cairnd.service
	chmod 0644 $(DESTDIR)/etc/systemd/system/cairnd.service
	install -m 0644 systemd/cairn.sysusers $(DESTDIR)/usr/lib/sysusers.d/cairn.conf
	install -d -m 0750 $(DESTDIR)/etc/cairn
	install -m 0640 systemd/cairnd.toml.example $(DESTDIR)/etc/cairn/cairnd.toml.example
	install -m 0644 README.md Docs/*.md $(DESTDIR)$(PREFIX)/share/doc/cairn/
	install -d -m 0755 $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/bash-completion/completions
	install -m 0644 Docs/man/cairn.1 Docs/man/cairnd.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 0644 Docs/completions/cairn.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/cairn
	install -m 0644 Docs/completions/cairnd.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/cairnd
	@echo "installed into $(DESTDIR)/ — next: systemd-sysusers, write /etc/cairn/cairnd.toml, systemctl enable --now cairnd"

# Regenerates the committed man pages (swift-argument-parser's generate-manual plugin) and
# shell completions from the CLI definitions. A test fails when the completions are stale.
man: deps
	$(SWIFT_BUILD) package --allow-writing-to-package-directory generate-manual
	cp .build/plugins/GenerateManual/outputs/cairn/cairn.1 .build/plugins/GenerateManual/outputs/cairnd/cairnd.1 Docs/man/

completions: build
	for sh in bash zsh fish; do \
	  .build/debug/cairn --generate-completion-script $$sh > Docs/completions/cairn.$$sh; \
	  .build/debug/cairnd --generate-completion-script $$sh > Docs/completions/cairnd.$$sh; \
	done

# The benchmark table of issue 6 from release builds (see Docs/Performance.md): every scenario,
# then the table. BENCH_QUICK=1 for small sizes (a few minutes); other BENCH_* variables in
# scripts/bench-lib.sh (and BENCH_THIN_* for the thin-link scenario of issue 15 in
# scripts/bench-thin.sh). Generated stores are cached under .build-bench/.
bench: deps
	./scripts/bench.sh

# Regenerates the committed protobuf code. Builds protoc-gen-swift from the swift-protobuf
# dependency, so the generator always matches the runtime library.
proto:
	@command -v protoc >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq $(PROTO_PACKAGES) >/dev/null; \
	  else echo "install protoc with: sudo apt-get install $(PROTO_PACKAGES)"; exit 1; fi; }
	$(SWIFT) build -c release --product protoc-gen-swift
	protoc --plugin=protoc-gen-swift=.build/release/protoc-gen-swift \
	  --swift_out=Sources/CairnWire --swift_opt=Visibility=Public --swift_opt=FileNaming=PathToUnderscores \
	  -I Proto Proto/cairn/v1/*.proto
	@git diff --stat -- Sources/CairnWire || true

# libFuzzer over the decoders that read untrusted bytes (Docs/Fuzzing.md). Builds Fuzz/ with
# the sanitizers, then runs each target for FUZZ_SECONDS (default 600) from a scratch copy of
# its seeds; FUZZ_TARGETS picks some. Fails, naming the crash file, if any target crashed.
FUZZ_SECONDS ?= 600
FUZZ_TARGETS ?= frame envelope grant bundle charter certificate controlRequest auditAnchor reconcile grantCopies
FUZZ_FLAGS := -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld \
	-Xswiftc -enable-testing -Xswiftc -DCAIRN_FUZZING
fuzz: deps
	@command -v ld.lld >/dev/null || [ -x "$$(dirname "$$(command -v $(SWIFT))")/ld.lld" ] || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends lld >/dev/null; \
	  else echo "install lld with: sudo apt-get install lld"; exit 1; fi; }
	$(SWIFT) build --package-path Fuzz --scratch-path .build-fuzz $(FUZZ_FLAGS)
	@bin="$$($(SWIFT) build --package-path Fuzz --scratch-path .build-fuzz $(FUZZ_FLAGS) --show-bin-path)"; \
	mkdir -p Fuzz/Artifacts; failed=""; \
	for t in $(FUZZ_TARGETS); do \
	  work=".build-fuzz/corpus/$$t"; rm -rf "$$work"; mkdir -p "$$work"; cp Fuzz/Corpus/$$t/* "$$work"/; \
	  echo "fuzzing $$t for $(FUZZ_SECONDS) s"; \
	  if ! "$$bin/fuzz-$$t" "$$work" -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 -print_final_stats=1 \
	      -artifact_prefix=Fuzz/Artifacts/$$t- 2> ".build-fuzz/$$t.log"; then \
	    tail -n 40 ".build-fuzz/$$t.log"; failed="$$failed $$t"; \
	    echo "fuzz-$$t crashed; input: $$(ls -t Fuzz/Artifacts/$$t-* 2>/dev/null | head -n 1)"; \
	  else grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)|cov:' ".build-fuzz/$$t.log" | tail -n 4; fi; \
	done; \
	if [ -n "$$failed" ]; then echo "crashed:$$failed (see Docs/Fuzzing.md: keep the input in Fuzz/Regressions/<target>/)"; exit 1; fi

clean:
	rm -rf .build
