# The classroom front door. `make` lists what is here.
SHELL := /bin/bash
MVN ?= mvn -B -q
JAVA ?= java
CHAPTERS := example1-blocking example2-loop example3-epoll-lt example4-epoll-et example5-cork example6-nodelay
PORT ?= 8080
BACKLOG ?= 1
N ?= 100

# Chapters by number; the appendix servers by name (N=poll, B=select).
valid = $(and $(1),$(filter $(1),1 2 3 4 5 6 poll select))
chapter = $(if $(filter poll select,$(1)),appendix-$(1),$(if $(call valid,$(1)),$(word $(1),$(CHAPTERS))))
server = $(call chapter,$(1))/src/main/java/workbook/Server.java

LABS = $(JAVA) -Dworkbook.root=. -cp docs-check/target/classes:$$(cat docs-check/target/classpath.txt) docs.Labs

.PHONY: help build test run diff docs diagrams lab client bench clean

help: ## list the targets
	@echo "The epoll workbook: the article's six servers, in Java. Targets:"
	@echo "  make build                                  compile everything, native library included"
	@echo "  make test                                   every test (binding, chapters, docs checks)"
	@echo "  make run N=<1..6> [PORT=8080] [BACKLOG=1]   build, then run chapter N in the foreground (Ctrl-C stops it)"
	@echo "                                              (N=poll or N=select: the appendix servers)"
	@echo "  make diff A=<1..6> B=<1..6>                 what changed from chapter A to chapter B (or A=3 B=poll)"
	@echo "  make docs                                   regenerate the step diffs (docs/diffs, docs/zh/diffs) and the tables of labs"
	@echo "  make diagrams [ALL=1]                       render docs/**/diagrams/*.dot to SVG with Graphviz (the stale ones, or all)"
	@echo "  make lab [L=<name>] [ZH=1]                  list the labs, or break a chapter on purpose and run its tests"
	@echo "  make lab L=<name> RUN=1 [PORT=8080]         run that broken chapter in the foreground (Ctrl-C stops it)"
	@echo "  make client C=<kind> [PORT=8080] [N=100]    poke a running server: reset, half-close, flood, undecodable, dribble, idle"
	@echo "  make bench [FULL=1]                         measure the article's claims into docs/performance.md"
	@echo "  make clean                                  remove everything the build made"
	@echo "Chapters: $(foreach n,1 2 3 4 5 6,$(n)=$(call chapter,$(n)))"

build:
	$(MVN) -DskipTests package

test:
	@mkdir -p target && touch target/test-started
	$(MVN) verify
	@scripts/test-summary.sh target/test-started

run:
	$(if $(call valid,$(N)),,$(error usage: make run N=<1..6|poll|select> [PORT=8080] [BACKLOG=1]))
	$(MVN) -DskipTests -pl $(call chapter,$(N)) -am compile
	$(JAVA) --enable-native-access=ALL-UNNAMED -cp $(call chapter,$(N))/target/classes:epoll-jni/target/classes workbook.Server $(PORT) $(BACKLOG)

diff:
	$(if $(and $(call valid,$(A)),$(call valid,$(B))),,$(error usage: make diff A=<1..6|poll|select> B=<1..6|poll|select>, e.g. A=3 B=4 (the lineage: 1->2->3->4, 3->5, 3->6, 3->poll, 3->select)))
	@diff -u --label $(call server,$(A)) --label $(call server,$(B)) $(call server,$(A)) $(call server,$(B)); test $$? -le 1

# The step diffs of the lineage, in English and in Chinese; docs-check's test fails when they are stale.
docs:
	$(JAVA) docs-check/src/main/java/docs/StepDiffs.java . docs/diffs
	$(JAVA) docs-check/src/main/java/docs/StepDiffs.java . docs/zh/diffs zh
	@$(MVN) -DskipTests -pl docs-check compile
	@$(LABS) docs

# The pictures: Graphviz renders each docs/**/diagrams/NAME.dot into NAME.svg, stamped with the
# source's SHA-256; docs-check's test fails when a stamp no longer matches (it needs no Graphviz).
diagrams:
	$(JAVA) docs-check/src/main/java/docs/Diagrams.java . $(if $(ALL),--all)

# A lab patches a copy of a chapter under target/labs/ (never the chapter itself).
lab:
	@$(MVN) -DskipTests test-compile
ifeq ($(L),)
	@$(LABS) list $(if $(ZH),--zh)
else ifeq ($(RUN),)
	@$(LABS) run $(L) $(if $(ZH),--zh)
else
	@cp=$$($(LABS) prepare $(L)) && echo "lab $(L): the broken chapter, on port $(PORT) (Ctrl-C stops it)" && \
	  exec $(JAVA) --enable-native-access=ALL-UNNAMED -cp "$$cp" workbook.Server $(PORT) $(BACKLOG)
endif

# The tests' misbehaving clients, one at a time, against 127.0.0.1:PORT.
client:
	$(if $(C),,$(error usage: make client C=reset|half-close|flood|undecodable|dribble|idle [PORT=8080] [N=100]))
	@$(MVN) -DskipTests -pl testkit compile
	@$(JAVA) -cp testkit/target/classes testkit.Poke $(C) $(PORT) $(N)

bench:
	bench/run.sh $(if $(FULL),--full)

clean:
	$(MVN) clean
