#!/usr/bin/env python3
"""Export a Hugging Face decoder-only judge to a lager hidden-state graph.

Any *ForCausalLM transformers can load works here (lager's Java side decides, by model_type,
whether it runs the model: Llama, Mistral, Qwen2, Qwen3, Gemma 3, Phi-3); a multimodal checkpoint
(Gemma3ForConditionalGeneration) is exported through its text model.

Writes MODEL_DIR/model.onnx in the hidden-state graph contract v1 (docs/method.md section 6):

  inputs   input_ids       int64   [batch, seq]   left padded
           attention_mask  int64   [batch, seq]
  outputs  hidden_states   float32 [L+1, batch, hidden]  at the last position (HF tuple: embeddings,
                                                         layers 1..L-1 before the final norm,
                                                         final norm of layer L)
           logits          float32 [batch, vocab]        at the last position
  position ids computed inside the graph as max(cumsum(attention_mask) - 1, 0)
  metadata lager.contract=hidden-states-v1, lager.num_hidden_layers, lager.hidden_size,
           lager.model_type, lager.last_entry_final_norm=true

beside a copy of the model's config, tokenizer and safetensors files (lager reads the score-token
rows of the LM head from the safetensors, not from the graph). Graphs over 2 GB keep their weights
in model.onnx.data. Then it checks the graph: ONNX Runtime against PyTorch on a left-padded batch,
and each padded row against the row alone, printing the maximum differences.

Requirements: torch, transformers, onnx, onnxruntime (see docs/onnx.md).

  python3 tools/export_onnx.py --model meta-llama/Llama-3.1-8B-Instruct --out /models/llama31-onnx
  python3 tools/export_onnx.py --model fixtures/tiny-qwen2 --out /tmp/tiny-qwen2 --dtype float32
"""
import argparse
import json
import os
import shutil
import sys
from pathlib import Path

CONTRACT = "hidden-states-v1"
COPY = ["config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json",
        "special_tokens_map.json", "chat_template.jinja", "model.safetensors",
        "model.safetensors.index.json"]
TWO_GB = 2 * 1024 ** 3


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", required=True, help="Hugging Face model directory or hub id")
    p.add_argument("--out", help="output directory (default: the model directory itself)")
    p.add_argument("--dtype", choices=["float32", "float16"], default="float32",
                   help="weights and compute dtype of the graph; outputs are always float32")
    p.add_argument("--opset", type=int, default=17)
    p.add_argument("--device", default="cpu", help="where PyTorch traces and checks (cpu, cuda)")
    p.add_argument("--no-check", action="store_true", help="skip the ONNX Runtime self-check")
    return p.parse_args()


def local_dir(model, out):
    path = Path(model)
    if path.is_dir():
        return path
    from huggingface_hub import snapshot_download  # only for hub ids
    target = Path(out) if out else Path(model.replace("/", "--"))
    return Path(snapshot_download(model, local_dir=target,
                                  allow_patterns=COPY + ["*.safetensors"]))


def build_wrapper(model):
    import torch

    class HiddenStateGraph(torch.nn.Module):
        """Contract v1 around a *ForCausalLM: hidden states and logits at the last position."""

        def __init__(self, causal_lm):
            super().__init__()
            base = causal_lm.model
            # a multimodal model (Gemma3ForConditionalGeneration) scores through its text model
            self.base = getattr(base, "language_model", base)
            self.lm_head = causal_lm.lm_head

        def forward(self, input_ids, attention_mask):
            # as generate() does for left-padded rows: a row alone and padded give the same result
            position_ids = torch.clamp(attention_mask.cumsum(-1) - 1, min=0)
            out = self.base(input_ids=input_ids, attention_mask=attention_mask,
                            position_ids=position_ids, output_hidden_states=True,
                            use_cache=False, return_dict=True)
            last = torch.stack([h[:, -1, :] for h in out.hidden_states], dim=0)
            logits = self.lm_head(last[-1])
            return last.float(), logits.float()

    return HiddenStateGraph(model)


def left_padded(tokenizer, texts, pad_id):
    import torch
    ids = [tokenizer(t)["input_ids"] for t in texts]
    longest = max(len(i) for i in ids)
    input_ids = torch.full((len(ids), longest), pad_id, dtype=torch.long)
    mask = torch.zeros((len(ids), longest), dtype=torch.long)
    for r, seq in enumerate(ids):
        input_ids[r, longest - len(seq):] = torch.tensor(seq)
        mask[r, longest - len(seq):] = 1
    return input_ids, mask


def main():
    args = parse_args()
    import onnx
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer

    src = local_dir(args.model, args.out)
    out = Path(args.out) if args.out else src
    out.mkdir(parents=True, exist_ok=True)
    config = AutoConfig.from_pretrained(src)
    text_config = config.get_text_config() if hasattr(config, "get_text_config") else config
    dtype = torch.float16 if args.dtype == "float16" else torch.float32
    model = AutoModelForCausalLM.from_pretrained(src, dtype=dtype, attn_implementation="eager")
    model = model.to(args.device).eval()
    tokenizer = AutoTokenizer.from_pretrained(src)
    pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    graph = build_wrapper(model).eval()

    prompts = ["Rate the response from 1 to 5.\n###Response:\nFine.\n###Score:",
               "Give a score from 1 to 5 for this longer answer, which goes on for a while, "
               "explaining its reasoning step by step.\n###Score:"]
    texts = [tokenizer.apply_chat_template([{"role": "user", "content": p}], tokenize=False,
                                           add_generation_prompt=True) for p in prompts]
    ids, mask = left_padded(tokenizer, texts, pad_id)
    ids, mask = ids.to(args.device), mask.to(args.device)

    path = out / "model.onnx"
    with torch.no_grad():
        torch.onnx.export(
            graph, (ids, mask), str(path), input_names=["input_ids", "attention_mask"],
            output_names=["hidden_states", "logits"],
            dynamic_axes={"input_ids": {0: "batch", 1: "seq"},
                          "attention_mask": {0: "batch", 1: "seq"},
                          "hidden_states": {1: "batch"}, "logits": {0: "batch"}},
            opset_version=args.opset, do_constant_folding=True, dynamo=False)

    proto = onnx.load(str(path), load_external_data=True)
    meta = {"lager.contract": CONTRACT,
            "lager.num_hidden_layers": str(text_config.num_hidden_layers),
            "lager.hidden_size": str(text_config.hidden_size),
            "lager.model_type": text_config.model_type,
            "lager.last_entry_final_norm": "true"}
    del proto.metadata_props[:]
    for k, v in meta.items():
        entry = proto.metadata_props.add()
        entry.key, entry.value = k, v
    size = sum(t.ByteSize() for t in proto.graph.initializer)
    for stale in out.glob("model.onnx*"):
        stale.unlink()
    if size > TWO_GB:
        onnx.save_model(proto, str(path), save_as_external_data=True, all_tensors_to_one_file=True,
                        location="model.onnx.data", size_threshold=1024)
    else:
        onnx.save_model(proto, str(path))
    if out.resolve() != src.resolve():
        for name in COPY + [p.name for p in src.glob("model-*.safetensors")]:
            if (src / name).exists():
                shutil.copy2(src / name, out / name)
    print(f"wrote {path} ({size / 1e6:.1f} MB of weights{', external data' if size > TWO_GB else ''})")

    if args.no_check:
        return
    import numpy as np
    import onnxruntime as ort
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    feeds = {"input_ids": ids.cpu().numpy(), "attention_mask": mask.cpu().numpy()}
    hs_ort, lg_ort = session.run(["hidden_states", "logits"], feeds)
    with torch.no_grad():
        hs_pt, lg_pt = graph(ids, mask)
    d_hs = float(np.abs(hs_ort - hs_pt.cpu().numpy()).max())
    d_lg = float(np.abs(lg_ort - lg_pt.cpu().numpy()).max())
    print(f"self-check, ONNX Runtime vs PyTorch on a left-padded batch of {len(prompts)}: "
          f"max |diff| hidden_states {d_hs:.3g}, logits {d_lg:.3g}")
    worst = 0.0
    for r, text in enumerate(texts):
        one_ids, one_mask = left_padded(tokenizer, [text], pad_id)
        hs_one, _ = session.run(["hidden_states", "logits"],
                                {"input_ids": one_ids.numpy(), "attention_mask": one_mask.numpy()})
        worst = max(worst, float(np.abs(hs_one[:, 0] - hs_ort[:, r]).max()))
    print(f"self-check, padded rows vs the rows alone: max |diff| hidden_states {worst:.3g}")
    tolerance = 1e-3 if args.dtype == "float32" else 5e-2
    if max(d_hs, worst) > tolerance * max(1.0, float(np.abs(hs_pt.cpu().numpy()).max())):
        sys.exit("self-check failed: the graph does not reproduce PyTorch")


if __name__ == "__main__":
    main()
