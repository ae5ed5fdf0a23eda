#!/usr/bin/env python3
"""Writes lager-hf/src/test/resources/golden/chat_templates.json: chat templates rendered by
Python's jinja2 configured as transformers' apply_chat_template configures it
(ImmutableSandboxedEnvironment, trim_blocks, lstrip_blocks, loopcontrols, its tojson filter and
raise_exception), for JinjaChatTemplateTest (which must match byte for byte).

The templates follow the structure of real model templates (ChatML as in the fixtures, Llama-3.1,
Qwen2.5, Mistral-v0.3 without tool handling) and one that uses tojson.
Run from the repository root:  python3 tools/golden/make_chat_template_golden.py  (needs jinja2)
"""
import json
import pathlib

import jinja2
from jinja2.ext import loopcontrols
from jinja2.sandbox import ImmutableSandboxedEnvironment

ROOT = pathlib.Path(__file__).resolve().parents[2]

TEMPLATES = {
    "chatml": (ROOT / "fixtures/tiny-qwen2/tokenizer_config.json").read_text(),
    "llama31": r"""{{- bos_token }}
{%- if not date_string is defined %}
    {%- set date_string = "26 Jul 2024" %}
{%- endif %}
{%- if messages[0]['role'] == 'system' %}
    {%- set system_message = messages[0]['content']|trim %}
    {%- set loop_messages = messages[1:] %}
{%- else %}
    {%- set system_message = "" %}
    {%- set loop_messages = messages %}
{%- endif %}
{{- "<|start_header_id|>system<|end_header_id|>\n\n" }}
{{- "Cutting Knowledge Date: December 2023\n" }}
{{- "Today Date: " + date_string + "\n\n" }}
{{- system_message }}
{{- "<|eot_id|>" }}
{%- for message in loop_messages %}
    {{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + '<|eot_id|>' }}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- '<|start_header_id|>assistant<|end_header_id|>\n\n' }}
{%- endif %}
""",
    "qwen25": r"""{%- if messages[0]['role'] == 'system' %}
    {{- '<|im_start|>system\n' + messages[0]['content'] + '<|im_end|>\n' }}
{%- else %}
    {{- '<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n' }}
{%- endif %}
{%- for message in messages %}
    {%- if (message.role == "user") or (message.role == "system" and not loop.first) or (message.role == "assistant" and not message.tool_calls) %}
        {{- '<|im_start|>' + message.role + '\n' + message.content + '<|im_end|>' + '\n' }}
    {%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- '<|im_start|>assistant\n' }}
{%- endif %}
""",
    "mistral": r"""{{- bos_token }}
{%- for message in messages %}
    {%- if message['role'] == 'user' %}
        {%- if loop.last and system_message is defined %}
            {{- '[INST] ' + system_message + '\n\n' + message['content'] + '[/INST]' }}
        {%- else %}
            {{- '[INST] ' + message['content'] + '[/INST]' }}
        {%- endif %}
    {%- elif message['role'] == 'assistant' %}
        {{- ' ' + message['content'] + eos_token}}
    {%- else %}
        {{- raise_exception('Only user and assistant roles are supported!') }}
    {%- endif %}
{%- endfor %}
""",
    "tojson": r"""{% for message in messages %}{{ message | tojson }}
{% endfor %}{% if add_generation_prompt %}{{ '<assistant>' }}{% endif %}""",
}

PROMPTS = [
    json.loads((ROOT / "fixtures/tiny-qwen2/golden/golden.json").read_text())["batch1"][0]["prompt"],
    "Rate this:\n  \"quoted\" & <tagged>, tab\there, unicode: café – ✓ 😀\n\n###Score:",
    "  leading and trailing spaces  \n",
]


def raise_exception(message):
    raise jinja2.exceptions.TemplateError(message)


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    # transformers' own tojson filter (jinja2's escapes HTML)
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators,
                      sort_keys=sort_keys)


env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols])
env.filters["tojson"] = tojson
env.globals["raise_exception"] = raise_exception

cases = []
for name, source in TEMPLATES.items():
    if name == "chatml":
        source = json.loads(source)["chat_template"]
    template = env.from_string(source)
    for prompt in PROMPTS:
        rendered = template.render(messages=[{"role": "user", "content": prompt}],
                                   add_generation_prompt=True, bos_token="<s>",
                                   eos_token="</s>")
        cases.append({"template_name": name, "template": source, "prompt": prompt,
                      "rendered": rendered})
    if name == "mistral":
        try:
            template.render(messages=[{"role": "system", "content": "x"}],
                            add_generation_prompt=True, bos_token="<s>", eos_token="</s>")
        except jinja2.exceptions.TemplateError as e:
            cases.append({"template_name": name, "template": source, "system": "x",
                          "error": str(e)})

out = ROOT / "lager-hf/src/test/resources/golden/chat_templates.json"
out.write_text(json.dumps({"generator": "tools/golden/make_chat_template_golden.py",
                           "jinja2": jinja2.__version__, "cases": cases}, indent=1,
                          ensure_ascii=False) + "\n")
print(f"wrote {len(cases)} cases to {out}")
