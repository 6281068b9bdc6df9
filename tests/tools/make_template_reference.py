#!/usr/bin/env python3
"""Writes tests/Fixtures/template-reference.json: what Jinja2 itself prints for each case, configured
exactly as transformers' apply_chat_template configures it. Run by hand when cases change:

    python3 tests/tools/make_template_reference.py

Environment (transformers, chat_template_utils._compile_jinja_template):
    ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[AssistantTracker, loopcontrols])
    tojson = json.dumps(x, ensure_ascii=False, indent=indent, separators=separators, sort_keys=sort_keys)
    globals raise_exception, strftime_now
Chat cases pass messages, add_generation_prompt, tools=None, documents=None and the config's
bos_token/eos_token when set, like transformers does.
"""
import json
import pathlib
import random

import jinja2
import jinja2.ext
import jinja2.nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment

ROOT = pathlib.Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "Fixtures"


class Generation(jinja2.ext.Extension):
    """transformers' AssistantTracker as far as rendering goes: {% generation %} renders its body."""
    tags = {"generation"}

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(["name:endgeneration"], drop_needle=True)
        return jinja2.nodes.CallBlock(self.call_method("_render"), [], [], body).set_lineno(lineno)

    def _render(self, caller):
        return caller()


def environment():
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[Generation, jinja2.ext.loopcontrols])

    def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
        return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

    def raise_exception(message):
        raise jinja2.exceptions.TemplateError(message)

    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = lambda fmt: "fixed"
    return env


# (name, template, variables)
CASES = [
    # whitespace control and trim_blocks / lstrip_blocks
    ("trim-blocks", "{% if true %}\n  yes\n{% endif %}\nafter\n", {}),
    ("lstrip-blocks", "start\n  {% if true %}\n  x\n  {% endif %}\nend", {}),
    ("lstrip-not-after-text", "a {% if true %}b{% endif %} c\n  {{ 'v' }}\n", {}),
    ("minus-signs", "a  {%- if true -%}  b  {%- endif -%}  c", {}),
    ("variable-minus", "a \n {{- 'x' -}} \n b", {}),
    ("comments", "{# comment #}\nline\n  {# indented #}\nz {#- strip -#}   y", {}),
    ("plus-signs", "  {%+ if true %}x{% endif +%}\ny", {}),
    ("trailing-newline", "line1\nline2\n", {}),
    ("crlf", "a\r\nb\r\n{% if true %}\r\nc{% endif %}", {}),
    ("raw", "{% raw %}{{ x }}{% if %}{% endraw %}!", {}),
    ("for-lines", "{% for m in items %}\n  {{ m }}\n{% endfor %}\n", {"items": [1, 2]}),
    ("dict-literal-braces", "{{ {'a': {'b': 1}} }}", {}),
    # literals and arithmetic
    ("literals", "{{ 1 }} {{ 1.5 }} {{ -3 }} {{ 1e3 }} {{ 'a\\'b' }} {{ \"q\\\"\" }} {{ true }} {{ True }} {{ none }} {{ None }} {{ [1, 'a', none, true] }} {{ {'a': 1, 'b': [1, 2.0]} }}", {}),
    ("arithmetic", "{{ 0.1 + 0.2 }} {{ 10 / 4 }} {{ 10 / 5 }} {{ 7 // 2 }} {{ -7 // 2 }} {{ -7 % 3 }} {{ 7 % -3 }} {{ 2 ** 10 }} {{ 1e20 }} {{ 1e-5 }} {{ 0.0001 }} {{ 3 * 'ab' }} {{ [1] * 2 }} {{ 1 + 2 * 3 - 4 }} {{ -2 ** 2 }} {{ 1e16 }} {{ 123456789.125 }}", {}),
    ("string-escapes", "{{ 'tab\\there\\nnl \\u00e9 \\x41 \\\\ \\q' }}", {}),
    ("string-repr", "{{ ['it\\'s', \"plain\", 'both\\'\"', 'nl\\n', 'é'] }}", {}),
    ("slicing", "{{ [1,2,3,4][::-1] }} {{ 'hello'[1:] }} {{ 'hello'[-1] }} {{ [1,2,3][1:2] }} {{ 'abcdef'[::2] }} {{ [1,2,3][-2:] }} {{ 'abc'[:-1] }} {{ [1,2,3,4,5][4:1:-2] }} {{ items[0] }} {{ items[-1] }}", {"items": ["x", "y"]}),
    ("comparisons", "{{ 1 < 2 < 3 }} {{ 3 > 2 > 2 }} {{ 'a' in 'cat' }} {{ 3 not in [1,2] }} {{ 1 == 1.0 }} {{ 'a' != 'b' }} {{ [1,2] == [1,2] }} {{ 'b' >= 'a' }} {{ 'k' in {'k': 1} }} {{ true == 1 }}", {}),
    ("logic", "{{ 0 or 'x' }} {{ 1 and 2 }} {{ not none }} {{ none or [] }} {{ '' and 1 }} {{ not 1 == 2 }} {{ not x is defined }}", {}),
    ("concat", "{{ 'a' ~ 1 ~ none ~ missing ~ true ~ 1.5 }}", {}),
    ("conditional", "{{ 'y' if x else 'n' }} {{ 'y' if not x }}|{{ 'a' if false else 'b' if true else 'c' }}", {"x": 0}),
    ("precedence", "{{ 'a' + 'b' | upper }} {{ -1 | abs }} {{ [3,1] | sort | first }} {{ 'x' ~ (1 + 2) }} {{ (1 + 2) * 3 }}", {}),
    # tests
    ("tests", "{{ x is defined }} {{ y is undefined }} {{ none is none }} {{ 'a' is string }} {{ {} is mapping }} {{ 1 is number }} {{ [] is iterable }} {{ 'a' is sequence }} {{ x is not none }} {{ 3 is odd }} {{ 4 is even }} {{ 4 is divisibleby 2 }} {{ 4 is divisibleby(3) }} {{ true is boolean }} {{ 1.0 is float }} {{ 1 is integer }} {{ true is number }} {{ true is integer }} {{ 1 is eq 1 }} {{ 2 is gt 1 }} {{ 'a' is in ['a'] }} {{ x is mapping }} {{ x is string }} {{ range is callable }} {{ 'abc' is lower }} {{ false is false }} {{ none is true }}", {"x": 1}),
    # filters
    ("filter-trim-case", "[{{ '  a b \\n' | trim }}] {{ 'xxhixx' | trim('x') }} {{ 'hello wORLD-foo bar\\'s' | title }} {{ 'hELLO world' | capitalize }} {{ 'Ab' | upper }} {{ 'Ab' | lower }}", {}),
    ("filter-tojson", "{{ data | tojson }}\n{{ data | tojson(indent=2) }}\n{{ data | tojson(sort_keys=true) }}\n{{ 'é\"\\n<tag>&\\'' | tojson }}\n{{ [1.0, 2.5, 1e-7, -0.0, 100] | tojson }}\n{{ {} | tojson(indent=2) }} {{ [] | tojson }}\n{{ data | tojson(separators=[',', ':']) }}", {"data": {"name": "get_weather", "nested": {"b": [1, True, None, "x\u0001y"], "a": "ünïcödé 😀"}, "n": -3}}),
    ("filter-length", "{{ items | length }} {{ 'héllo' | length }} {{ {'a': 1} | count }} {{ missing | length }} {{ '😀x' | length }}", {"items": [1, 2, 3]}),
    ("filter-default", "{{ missing | default('d') }} {{ none | default('d') }} {{ '' | d('e', true) }} {{ 0 | default(5) }} {{ x | default('no') }} [{{ missing | default }}]", {"x": "yes"}),
    ("filter-first-last", "{{ items | first }} {{ items | last }} {{ 'abc' | first }} {{ 'abc' | last }} [{{ [] | first }}]", {"items": [1, 2, 3]}),
    ("filter-join", "{{ items | join(', ') }} {{ items | join }} {{ users | join('/', attribute='name') }}", {"items": ["a", 1, None], "users": [{"name": "u1"}, {"name": "u2"}]}),
    ("filter-replace", "{{ 'aaa' | replace('a', 'b') }} {{ 'aaa' | replace('a', 'b', 2) }} {{ 'hello world' | replace('o', '0') }}", {}),
    ("filter-conversions", "{{ 12 | string }} {{ none | string }} {{ '42' | int }} {{ '4.7' | int }} {{ 'x' | int }} {{ 'x' | int(7) }} {{ 3.9 | int }} {{ '2.5' | float }} {{ 'ab' | list }} {{ {'k': 1} | list }} {{ true | int }}", {}),
    ("filter-items", "{% for k, v in d | items %}{{ k }}={{ v }};{% endfor %} {{ d | items | list }}", {"d": {"z": 1, "a": [2]}}),
    ("filter-collections", "{{ [3, 1, 2] | sort }} {{ [3, 1, 2] | sort(reverse=true) }} {{ ['b', 'A', 'a'] | sort }} {{ [1, 2, 1] | unique | list }} {{ [1, 2] | reverse | list }} {{ 'abc' | reverse }} {{ users | map(attribute='name') | list }} {{ users | selectattr('role', 'equalto', 'admin') | map(attribute='name') | join(',') }} {{ users | rejectattr('role', 'equalto', 'admin') | list | length }} {{ [0, 1, 2] | select | list }} {{ [1, 2, 3] | select('odd') | list }} {{ [1, 2, 3] | reject('odd') | list }} {{ ['a', 'b'] | map('upper') | list }} {{ users | sort(attribute='name') | map(attribute='name') | list }} {{ users | selectattr('role') | list | length }}", {"users": [{"name": "zed", "role": "admin"}, {"name": "amy", "role": "user"}, {"name": "bob"}]}),
    ("filter-numbers", "{{ -3 | abs }} {{ 2.5 | round }} {{ 3.14159 | round(2) }} {{ 3.14159 | round(2, 'floor') }} {{ [1, 2, 3] | sum }} {{ [1, 5, 3] | max }} {{ [4, 2, 8] | min }}", {}),
    ("filter-indent", "{{ 'a\\nb\\n\\nc' | indent(2) }}|{{ 'a\\nb' | indent(2, true) }}|{{ 'x\\n\\ny' | indent(2, blank=true) }}", {}),
    ("filter-block", "{% filter upper %}hello {{ name }}{% endfilter %}", {"name": "bob"}),
    # string methods
    ("string-methods", "{{ 'a,b,,c'.split(',') }} {{ '  a  b '.split() }} {{ 'a b c'.split(' ', 1) }} {{ 'a-b-c'.rsplit('-', 1) }} [{{ '  x  '.strip() }}] [{{ '\\n\\nx\\n'.lstrip('\\n') }}] [{{ 'x\\n\\n'.rstrip('\\n') }}] {{ 'hello'.startswith('he') }} {{ 'hello'.startswith(('x', 'h')) }} {{ 'hello'.endswith('lo') }} {{ 'aaa'.replace('a', 'b', 1) }} {{ 'Ab'.upper() }} {{ 'Ab'.lower() }} {{ 'hello wORLD-foo bar\\'s'.title() }} {{ 'hELLO'.capitalize() }} {{ 'hello'.find('l') }} {{ 'hello'.count('l') }} {{ '-'.join(['a', 'b']) }} {{ 'a\\nb\\r\\nc'.splitlines() }}", {}),
    ("think-split", "{% set c = content.split('</think>')[-1].lstrip('\\n') %}{% set r = content.split('</think>')[0].rstrip('\\n').split('<think>')[-1].lstrip('\\n') %}[{{ c }}][{{ r }}]", {"content": "<think>\nreasoning here\n</think>\n\nThe answer."}),
    # dict methods and attribute access
    ("dict-methods", "{{ d.get('a') }} {{ d.get('zz') }} {{ d.get('zz', 'dflt') }} {% for k, v in d.items() %}{{ k }}:{{ v }} {% endfor %}{{ d.keys() | list }} {{ d.values() | list }} {{ d['a'] }} {{ d.a }} [{{ d.missing }}] {{ d.missing is defined }} {{ d['items'] }} {{ d.items is defined }}", {"d": {"a": 1, "b": "two", "items": "key named items"}}),
    ("message-access", "{% for message in messages %}{{ message['role'] }}/{{ message.content }}/{{ message.tool_calls is defined }}/{{ message['content'] is none }}|{% endfor %}", {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": None, "tool_calls": [{"function": {"name": "f"}}]}]}),
    # loops
    ("loop-variables", "{% for x in items %}{{ loop.index }}{{ loop.index0 }}{{ loop.revindex }}{{ loop.revindex0 }}{{ loop.first }}{{ loop.last }}{{ loop.length }}{{ loop.cycle('a', 'b') }}{{ loop.previtem | default('-') }}{{ loop.nextitem | default('-') }};{% endfor %}", {"items": ["p", "q", "r"]}),
    ("loop-else", "{% for x in [] %}x{% else %}empty{% endfor %} {% for x in [1] %}one{% else %}empty{% endfor %} {% for x in missing %}x{% else %}undefined is empty{% endfor %}", {}),
    ("loop-filter", "{% for x in range(10) if x is odd %}{{ x }}{{ loop.length }},{% endfor %}", {}),
    ("loop-break-continue", "{% for x in range(10) %}{% if x == 2 %}{% continue %}{% endif %}{% if x == 5 %}{% break %}{% endif %}{{ x }}{% endfor %}", {}),
    ("loop-nested", "{% for a in [1, 2] %}{% for b in 'xy' %}{{ a }}{{ b }}{{ loop.index }}{% endfor %}{{ loop.index }} {% endfor %}", {}),
    ("loop-dict", "{% for k in {'b': 1, 'a': 2} %}{{ k }}{% endfor %}", {}),
    ("loop-reversed", "{% for m in messages[::-1] %}{{ (messages | length - 1) - loop.index0 }}{{ m }}{% endfor %}", {"messages": ["a", "b", "c"]}),
    ("range", "{{ range(3) | list }} {{ range(1, 4) | list }} {{ range(10, 0, -3) | list }} {{ range(0) | list }}", {}),
    # assignment and scoping
    ("set-scoping", "{% set x = 1 %}{% for i in [1, 2] %}{% set x = x + i %}{{ x }}{% endfor %} {{ x }}", {}),
    ("namespace", "{% set ns = namespace(total=0, found=false) %}{% for i in [1, 2, 3] %}{% set ns.total = ns.total + i %}{% if i == 2 %}{% set ns.found = true %}{% endif %}{% endfor %}{{ ns.total }} {{ ns.found }} {{ ns.missing is defined }}", {}),
    ("set-tuple", "{% set a, b = 1, 2 %}{{ a }}{{ b }} {% set t = (1, 'x') %}{{ t[1] }}", {}),
    ("set-block", "{% set greeting | upper %}hi {{ name }}{% endset %}[{{ greeting }}]{% set plain %}\n  x\n{% endset %}[{{ plain }}]", {"name": "amy"}),
    ("loop-scope-per-iteration", "{% for i in [1, 2, 3] %}{% if i == 1 %}{% set x = 5 %}{% endif %}[{{ x }}]{% endfor %}{% set y = 1 %}{% for i in [1, 2, 3] %}{{ y }}{% set y = y + 1 %}{% endfor %}{{ y }}", {}),
    ("macro-sees-later-set", "{% set y = 1 %}{% macro m() %}{{ y }}{% endmacro %}{% set y = 3 %}{{ m() }}", {}),
    ("dictsort", "{{ {'b': 1, 'A': 2, 'c': 0} | dictsort }} {{ {'b': 1, 'a': 2} | dictsort(reverse=true) }} {{ {'b': 1, 'a': 2, 'c': 0} | dictsort(by='value') }}", {}),
    ("with", "{% with a = 1, b = 2 %}{{ a + b }}{% endwith %}[{{ a }}]", {}),
    ("override-variable", "{% if not add_generation_prompt is defined %}{% set add_generation_prompt = false %}{% endif %}{{ add_generation_prompt }}", {}),
    # macros
    ("macros", "{% macro greet(name, greeting='Hello') %}{{ greeting }}, {{ name }}!{% endmacro %}{{ greet('amy') }} {{ greet('bob', 'Hi') }} {{ greet(greeting='Yo', name='cy') }} [{{ greet() }}]", {}),
    ("macro-recursion", "{% macro fact(n) %}{% if n <= 1 %}1{% else %}{{ n * fact(n - 1) | int }}{% endif %}{% endmacro %}{{ fact(5) }}", {}),
    ("macro-caller", "{% macro box(title) %}[{{ title }}: {{ caller() }}]{% endmacro %}{% call box('t') %}inner {{ 1 + 1 }}{% endcall %}", {}),
    ("macro-closure", "{% set prefix = '>' %}{% macro show(x) %}{{ prefix }}{{ x }}{% endmacro %}{% for i in [1, 2] %}{{ show(i) }}{% endfor %}", {}),
    ("generation-block", "{% generation %}kept {{ 1 }}{% endgeneration %}", {}),
    ("underscore-keys-are-data", "{{ d._private }} {{ d['__x__'] }}", {"d": {"_private": 1, "__x__": 2}}),
    ("tuples", "{{ (1, 'x') }} {{ (1,) }} {{ () }} {{ {'a': 1}.items() | list }} {{ (1, 2) | tojson }}", {}),
    ("percent-format", "{{ '%s and %d' % ('a', 3) }} {{ '%s!' % 'x' }} {{ '%(a)s' % {'a': 1} }} {{ '%5.2f|%r|%%|%i|%x|%-4s|%04d' % (3.14159, 'q', 7, 255, 'ab', -7) }} {{ '%s' % [1, 2] }} {{ '' % [1] }}", {}),
    ("odd-even", "{{ 3 is odd }} {{ 2.5 is odd }} {{ 4.0 is even }} {{ true is odd }}", {}),
    # undefined behaviour
    ("undefined", "[{{ missing }}] {{ missing is defined }} {{ missing is undefined }} {{ not missing }} {{ missing | length }} {% for x in missing %}x{% endfor %}{{ missing == missing }} {{ 'x' in missing }} {{ missing is iterable }} {{ missing is sequence }} {{ missing is mapping }} {% if missing %}t{% else %}f{% endif %}", {}),
]

# (name, template) that must fail to render
ERROR_CASES = [
    ("raise-exception", "{{ raise_exception('Only user and assistant roles are supported!') }}", {}),
    ("undefined-attribute-of-undefined", "{{ missing.attribute }}", {}),
    ("undefined-arithmetic", "{{ missing + 1 }}", {}),
    ("string-plus-int", "{{ 'a' + 1 }}", {}),
    ("unknown-filter", "{{ 'a' | frobnicate }}", {}),
    ("unknown-test", "{{ 'a' is frobnicated }}", {}),
    ("include", "{% include 'other.html' %}", {}),
    ("extends", "{% extends 'base.html' %}", {}),
    ("call-undefined-method", "{{ messages.GetType() }}", {"messages": []}),
    ("set-attribute-on-dict", "{% set d = {} %}{% set d.x = 1 %}", {}),
    ("unclosed-if", "{% if true %}x", {}),
    ("concat-binds-tighter-than-plus", "{{ 'x' ~ 1 + 2 }}", {}),
    ("int-of-undefined", "{{ missing | int }}", {}),
    ("percent-too-many-arguments", "{{ '%s' % (1, 2) }}", {}),
    ("unhashable-dict-key", "{{ [] in {} }}", {}),
    ("division-by-zero", "{{ 1 // 0 }}", {}),
]

WEATHER_TOOL = {"type": "function", "function": {"name": "get_weather", "description": "Get the weather in a city.",
                "parameters": {"type": "object", "properties": {"city": {"type": "string", "description": "City name, e.g. Zürich"}}, "required": ["city"]}}}

# (name, template) that Jinja's sandbox renders as an empty undefined but EdgeLLM refuses outright:
# names starting with an underscore never reach anything
STRICTER_CASES = [
    ("dunder-attribute", "{{ ''.__class__ }}", {}),
    ("dunder-item", "{{ messages['__len__'] }}", {"messages": []}),
]

# (name, tokenizer, messages, add_generation_prompt, extra variables)
CHAT_CASES = [
    ("qwen3-tools", "qwen3", [
        {"role": "system", "content": "You are helpful."},
        {"role": "user", "content": "Weather in Paris and Zürich?"},
        {"role": "assistant", "content": "<think>\nNeed two calls.\n</think>\n\nLet me check.", "tool_calls": [
            {"type": "function", "function": {"name": "get_weather", "arguments": {"city": "Paris"}}},
            {"type": "function", "function": {"name": "get_weather", "arguments": "{\"city\": \"Zürich\"}"}}]},
        {"role": "tool", "content": "{\"temp\": 21}"},
        {"role": "tool", "content": "{\"temp\": 15}"},
        {"role": "assistant", "content": "Paris 21°C, Zürich 15°C.", "reasoning_content": "Both results are in."},
        {"role": "user", "content": "<tool_response>\nnot a real query\n</tool_response>"},
    ], True, {"tools": [WEATHER_TOOL]}),
    ("qwen3-multi-turn-thinking", "qwen3", [
        {"role": "user", "content": "First?"},
        {"role": "assistant", "content": "<think>\nold reasoning\n</think>\n\nFirst answer."},
        {"role": "user", "content": "Second?"},
        {"role": "assistant", "content": "<think>\nnew reasoning\n</think>\n\nSecond answer."},
    ], False, {}),
    ("qwen3-no-thinking", "qwen3", [
        {"role": "system", "content": "sys"},
        {"role": "user", "content": "Hi"},
    ], True, {"enable_thinking": False}),
    ("qwen3-system-later", "qwen3", [
        {"role": "user", "content": "Hi"},
        {"role": "system", "content": "late system"},
        {"role": "assistant", "content": "Hello"},
    ], False, {}),
    ("r1-tool-calls", "r1-distill-qwen", [
        {"role": "system", "content": "sys"},
        {"role": "user", "content": "Weather?"},
        {"role": "assistant", "content": None, "tool_calls": [
            {"type": "function", "function": {"name": "get_weather", "arguments": "{\"city\": \"Paris\"}"}},
            {"type": "function", "function": {"name": "get_weather", "arguments": "{\"city\": \"Rome\"}"}}]},
        {"role": "tool", "content": "21"},
        {"role": "tool", "content": "25"},
        {"role": "assistant", "content": "Warm."},
        {"role": "user", "content": "Thanks"},
    ], True, {}),
    ("r1-no-generation-prompt", "r1-distill-qwen", [
        {"role": "user", "content": "Q"},
        {"role": "assistant", "content": "<think>\nr\n</think>\n\nA"},
    ], False, {}),
    ("llama31-trim", "llama31", [
        {"role": "system", "content": "  padded system  \n"},
        {"role": "user", "content": "\nQ\n"},
    ], True, {}),
]


WHITESPACE = ["\n", "  ", "\t", " \n ", "\n\n", "x", "y ", " z\n", "\r\n"]


def whitespace_template(rng, depth=0):
    """A random nest of if/for/set/raw tags, comments and output tags with random -/+ signs and whitespace."""
    def tag(body, allow_plus=True):
        left = rng.choice(["", "", "-", "+"])
        right = rng.choice(["", "", "-", "+" if allow_plus else ""])
        return "{%" + left + " " + body + " " + right + "%}"

    parts = []
    for _ in range(rng.randint(1, 5)):
        choice = rng.random()
        if choice < 0.35:
            parts.append(rng.choice(WHITESPACE))
        elif choice < 0.45:
            parts.append("{{" + rng.choice(["", "-"]) + " 'v' " + rng.choice(["", "-"]) + "}}")
        elif choice < 0.55:
            parts.append("{#" + rng.choice(["", "-", "+"]) + " c " + rng.choice(["", "-"]) + "#}")
        elif choice < 0.62:
            parts.append(tag("set a = 1"))
        elif choice < 0.66:
            parts.append(tag("raw", allow_plus=False) + rng.choice(WHITESPACE) + "{{ r }}" + rng.choice(WHITESPACE) + tag("endraw"))
        elif depth < 3 and choice < 0.85:
            otherwise = tag("else") + whitespace_template(rng, depth + 1) if rng.random() < 0.3 else ""
            parts.append(tag("if true") + whitespace_template(rng, depth + 1) + otherwise + tag("endif"))
        elif depth < 3:
            parts.append(tag("for i in [1, 2]") + whitespace_template(rng, depth + 1) + tag("endfor"))
    return "".join(parts)


def render_chat(env, tokenizer, messages, add_generation_prompt, extra):
    config = json.loads((FIXTURES / "tokenizers" / tokenizer / "tokenizer_config.json").read_text(encoding="utf-8"))
    variables = {"messages": messages, "add_generation_prompt": add_generation_prompt, "tools": None, "documents": None}
    for token in ("bos_token", "eos_token"):
        value = config.get(token)
        if isinstance(value, dict):
            value = value.get("content")
        if value is not None:
            variables[token] = value
    variables.update(extra)
    return env.from_string(config["chat_template"]).render(**variables)


def main():
    env = environment()
    cases = []
    for name, template, variables in CASES:
        cases.append({"name": name, "template": template, "variables": variables,
                      "expected": env.from_string(template).render(**variables)})
    errors = []
    for name, template, variables in ERROR_CASES:
        try:
            env.from_string(template).render(**variables)
        except Exception as error:  # noqa: BLE001 - Jinja raises TypeError, ZeroDivisionError, ... as well
            errors.append({"name": name, "template": template, "variables": variables, "jinja_error": f"{type(error).__name__}: {error}"})
            continue
        raise SystemExit(f"error case {name} rendered without an error")
    for name, template, variables in STRICTER_CASES:
        errors.append({"name": name, "template": template, "variables": variables,
                       "jinja_error": None, "jinja_output": env.from_string(template).render(**variables)})
    chats = []
    for name, tokenizer, messages, add_generation_prompt, extra in CHAT_CASES:
        chats.append({"name": name, "tokenizer": tokenizer, "messages": messages, "add_generation_prompt": add_generation_prompt,
                      "variables": extra, "expected": render_chat(env, tokenizer, messages, add_generation_prompt, extra)})
    rng = random.Random(20261128)
    whitespace = []
    while len(whitespace) < 400:
        template = whitespace_template(rng)
        try:
            whitespace.append({"template": template, "expected": env.from_string(template).render()})
        except jinja2.exceptions.TemplateSyntaxError:
            continue
    document = {
        "generator": f"tests/tools/make_template_reference.py with jinja2 {jinja2.__version__} configured as transformers' apply_chat_template",
        "cases": cases, "errors": errors, "chats": chats, "whitespace": whitespace,
    }
    (FIXTURES / "template-reference.json").write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(cases)} cases, {len(errors)} error cases, {len(chats)} chats, {len(whitespace)} whitespace cases")


if __name__ == "__main__":
    main()
