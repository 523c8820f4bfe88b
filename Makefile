# Two commands set everything up on a fresh machine:
#   make demo   install (with the server extra), ingest the bundled sample blog into .demo-index,
#               answer a question (offline, no API key); then `blogqa serve --index .demo-index`
#   make test   install everything the tests need (Chromium, CJK fonts, extras) and run all tests
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
DEMO_INDEX ?= .demo-index

.PHONY: demo test install install-test system-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# the server extra too: the README's next step after `make demo` is `blogqa serve --index .demo-index`
install: $(BIN)/python
	$(BIN)/pip install -q -e '.[server]'

demo: install
	$(BIN)/blogqa ingest examples/sample-blog --index $(DEMO_INDEX)
	$(BIN)/blogqa search "배포 자동화는 어떻게 하나요?" --index $(DEMO_INDEX) -k 3
	$(BIN)/blogqa ask "가장 최근에 업데이트된 서비스는?" --index $(DEMO_INDEX) --today 2025-12-01

system-deps:
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  (test -x /usr/bin/chromium && fc-list | grep -qi "noto sans cjk" && test -x /usr/sbin/nginx) || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk nginx >/dev/null); \
	else echo "not root: install chromium, fonts-noto-cjk (browser tests) and nginx (deploy topology test) yourself"; fi

# llama.cpp (the `local` extra) is built for a portable x86-64 level (AVX2/FMA/F16C), not -march=native:
# its AMX kernels segfault on Sapphire Rapids CPUs with Q4_K_M models (ggml-org/llama.cpp#20824),
# and a wheel built on one CI machine may run on another.
LLAMA_CMAKE_ARGS ?= -DGGML_NATIVE=OFF

install-test: $(BIN)/python system-deps
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" CMAKE_BUILD_PARALLEL_LEVEL=2 $(BIN)/pip install -q -e '.[server,postgres,dev,local]'

test: install-test
	BLOGQA_TEST_POSTGRES=required $(BIN)/python -m pytest -q -p no:cacheprovider
