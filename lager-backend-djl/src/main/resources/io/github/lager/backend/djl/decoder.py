# The decoder of a judge model as TorchScript, compiled by libtorch when the DJL backend loads
# (TorchScriptArchive packs it into an in-memory archive; there is no export step). It computes
# what Hugging Face transformers computes for the model families of lager-hf's architecture
# package, one call per decoding step for the whole layer stack:
#   prepare_globals, prepare_layer, extend  convert the checkpoint tensors once, a layer at a time
#            (dtype; fused q/k/v and gate/up projections), refusing in the same call a tensor
#            holding NaN or Inf (its index comes back with the converted list);
#   prefill  runs the right-padded prompts, fills the preallocated KV cache and returns, at each
#            row's last prompt token, the L+1 hidden states and the greedy next token;
#   decode   runs one new token per row against the cache (written in place);
#   keep     keeps the cache rows of the rows still decoding.
# Dtypes are ScalarType codes (6 float32, 5 float16, 15 bfloat16, 4 int64, 11 bool): bfloat16
# tensors live only in here, DJL sees float32, float16 and int64 only.
#
# Layouts. prepare_layer's input (20 tensors, the order of the Java enum Slot.LAYER; an absent
# tensor is empty):
#   0 input_norm  1 q  2 k  3 v  4 q_bias  5 k_bias  6 v_bias  7 o  8 o_bias
#   9 post_attention_norm  10 pre_feedforward_norm  11 post_feedforward_norm
#   12 gate  13 up  14 gate_bias  15 up_bias  16 down  17 down_bias  18 q_norm  19 k_norm
# (a fused q/k/v or gate/up checkpoint tensor comes in slot 1 or 12 with 2, 3 or 13 empty),
# prepare_globals' input: embed, final_norm, lm_head (empty when tied), inv_freq_global,
# inv_freq_local. The prepared list is those 5, then per layer (14):
#   0 input_norm  1 qkv  2 qkv_bias  3 o  4 o_bias  5 post_attention_norm
#   6 pre_feedforward_norm  7 post_feedforward_norm  8 gate_up  9 gate_up_bias  10 down
#   11 down_bias  12 q_norm  13 k_norm
class Decoder(Module):
  __parameters__ = []
  __buffers__ = []
  training : bool
  layers : int
  hidden : int
  heads : int
  kv_heads : int
  head_dim : int
  rotary_dim : int
  rope_scale : float
  rope_scale_local : float
  eps : float
  norm_plus_one : bool
  qk_norm : bool
  sandwich_norms : bool
  gelu : bool
  embed_scale : float
  query_scale : float
  window : int
  layer_kinds : str
  dtype : int

  def source(self, raw: List[Tensor], bf16_bits: List[bool]) -> List[Tensor]:
    # the checkpoint's tensors as they came: bfloat16 bits arrive in float16 arrays
    src = annotate(List[Tensor], [])
    for i in range(len(raw)):
      t = raw[i]
      if bf16_bits[i]:
        t = torch.view_copy(t, 15)
      src.append(t)
    return src

  def nonfinite(self, src: List[Tensor]) -> int:
    # the index of the first tensor holding a NaN or an infinity, -1 when every value is finite.
    # Called by prepare_* on the tensors they convert, in the same call, so no separate pass or
    # call over the weights. The source is tested, not the converted weight: widening (bfloat16 or
    # float16 to float32) keeps a non-finite value non-finite, so it would find the same, but
    # narrowing (float32 to float16) turns a large finite value into an infinity, the compute
    # dtype's overflow and not a damaged checkpoint, which the refusal's message names
    for i in range(len(src)):
      t = src[i]
      if t.numel() > 0 and not bool(torch.isfinite(t).all()):
        return i
    return -1

  def prepare_globals(self, raw: List[Tensor], bf16_bits: List[bool]) -> Tuple[List[Tensor], int]:
    # the converted tensors, or an empty list and the index of the tensor holding NaN or Inf
    src = self.source(raw, bf16_bits)
    out = annotate(List[Tensor], [])
    bad = self.nonfinite(src)
    if bad >= 0:
      return (out, bad)
    embed = self.weight(src[0])
    out.append(embed)
    out.append(self.norm_weight(src[1]))
    if src[2].numel() == 0:
      out.append(embed)
    else:
      out.append(self.weight(src[2]))
    out.append(src[3].float().clone())
    out.append(src[4].float().clone())
    return (out, -1)

  def prepare_layer(self, raw: List[Tensor], bf16_bits: List[bool]) -> Tuple[List[Tensor], int]:
    # as prepare_globals
    src = self.source(raw, bf16_bits)
    out = annotate(List[Tensor], [])
    bad = self.nonfinite(src)
    if bad >= 0:
      return (out, bad)
    out.append(self.norm_weight(src[0]))
    out.append(self.fused(src[1], src[2], src[3]))
    out.append(self.fused(src[4], src[5], src[6]))
    out.append(self.weight(src[7]))
    out.append(self.weight(src[8]))
    out.append(self.norm_weight(src[9]))
    out.append(self.norm_weight(src[10]))
    out.append(self.norm_weight(src[11]))
    out.append(self.fused(src[12], src[13], torch.empty([0])))
    out.append(self.fused(src[14], src[15], torch.empty([0])))
    out.append(self.weight(src[16]))
    out.append(self.weight(src[17]))
    out.append(self.norm_weight(src[18]))
    out.append(self.norm_weight(src[19]))
    return (out, -1)

  def extend(self, a: List[Tensor], b: List[Tensor]) -> List[Tensor]:
    out = annotate(List[Tensor], [])
    for t in a:
      out.append(t)
    for t in b:
      out.append(t)
    return out

  def weight(self, t: Tensor) -> Tensor:
    return t.to(dtype=self.dtype, copy=True).contiguous()

  def norm_weight(self, t: Tensor) -> Tensor:
    # Gemma's RMSNorm multiplies by (1 + w) in float32; the others by w in the compute dtype
    if self.norm_plus_one:
      return t.float() + 1.0
    return self.weight(t)

  def fused(self, a: Tensor, b: Tensor, c: Tensor) -> Tensor:
    if a.numel() == 0:
      return self.weight(a)
    parts = [a]
    if b.numel() > 0:
      parts.append(b)
    if c.numel() > 0:
      parts.append(c)
    return torch.cat(parts, 0).to(dtype=self.dtype).contiguous()

  def norm(self, x: Tensor, w: Tensor) -> Tensor:
    x32 = x.float()
    n = x32 * torch.rsqrt(torch.mean(x32 * x32, [-1], True) + self.eps)
    if self.norm_plus_one:
      return (n * w).to(x.dtype)
    return w * n.to(x.dtype)

  def linear(self, x: Tensor, w: Tensor, b: Tensor) -> Tensor:
    # x [..., in] times w [out, in]^T (+ b). Few-row float32 products with a large weight on the
    # CPU (a decoding step: one row per sequence) as an einsum: libtorch's linear reads such
    # weights at about 6 GB/s here, the einsum's contraction at the machine's bandwidth
    # (21 GB/s). On prompt-sized products, and on small weights (the einsum's own overhead), linear
    # is the faster (docs/benchmarks.md). Half precision (a GPU's, or the CPU's in tests) always
    # takes linear, the GPU's path.
    if x.is_cuda or x.dtype != 6 or x.numel() > 64 * x.size(-1) or w.numel() < 262144:
      if b.numel() == 0:
        return torch.linear(x, w)
      return torch.linear(x, w, b)
    if x.dim() == 3:
      y = torch.einsum("ok,btk->bto", [w, x])
    else:
      y = torch.einsum("ok,bk->bo", [w, x])
    if b.numel() > 0:
      y = y + b
    return y

  def rope_tables(self, positions: Tensor, inv_freq: Tensor, scale: float) -> Tuple[Tensor, Tensor]:
    # positions [B, T] -> cos, sin [B, 1, T, rotary_dim], computed in float32 as transformers does
    freqs = positions.float().unsqueeze(-1) * inv_freq
    emb = torch.cat([freqs, freqs], -1)
    cos = emb.cos()
    sin = emb.sin()
    if scale != 1.0:
      cos = cos * scale
      sin = sin * scale
    return (cos.to(self.dtype).unsqueeze(1), sin.to(self.dtype).unsqueeze(1))

  def rotate(self, x: Tensor, cos: Tensor, sin: Tensor) -> Tensor:
    r = self.rotary_dim
    x_rot = x
    if r < self.head_dim:
      x_rot = x[..., :r]
    half = r // 2
    x1 = x_rot[..., :half]
    x2 = x_rot[..., half:]
    rotated = x_rot * cos + torch.cat([-x2, x1], -1) * sin
    if r < self.head_dim:
      return torch.cat([rotated, x[..., r:]], -1)
    return rotated

  def sliding(self, layer: int) -> bool:
    return self.window > 0 and self.layer_kinds[layer] == "S"

  def attention_in(self, w: List[Tensor], base: int, x: Tensor, cos_g: Tensor, sin_g: Tensor,
                   cos_l: Tensor, sin_l: Tensor, layer: int) -> Tuple[Tensor, Tensor, Tensor]:
    # x [B, T, H] -> q [B, heads, T, hd], k and v [B, kv_heads, T, hd], normed and rotated
    b = x.size(0)
    t = x.size(1)
    qkv = self.linear(x, w[base + 1], w[base + 2])
    qw = self.heads * self.head_dim
    kw = self.kv_heads * self.head_dim
    q = qkv[:, :, :qw].reshape([b, t, self.heads, self.head_dim])
    k = qkv[:, :, qw:qw + kw].reshape([b, t, self.kv_heads, self.head_dim])
    v = qkv[:, :, qw + kw:].reshape([b, t, self.kv_heads, self.head_dim])
    if self.qk_norm:
      q = self.norm(q, w[base + 12])
      k = self.norm(k, w[base + 13])
    q = q.transpose(1, 2)
    k = k.transpose(1, 2)
    v = v.transpose(1, 2)
    if self.sliding(layer):
      q = self.rotate(q, cos_l, sin_l)
      k = self.rotate(k, cos_l, sin_l)
    else:
      q = self.rotate(q, cos_g, sin_g)
      k = self.rotate(k, cos_g, sin_g)
    return (q, k, v)

  def block_out(self, w: List[Tensor], base: int, h: Tensor, attn: Tensor) -> Tensor:
    # attn [B, heads, T, hd] -> the layer's output: o projection, residual, MLP, residual
    b = attn.size(0)
    t = attn.size(2)
    o = self.linear(attn.transpose(1, 2).reshape([b, t, self.heads * self.head_dim]),
                    w[base + 3], w[base + 4])
    if self.sandwich_norms:
      h = h + self.norm(o, w[base + 5])
      y = self.norm(h, w[base + 6])
    else:
      h = h + o
      y = self.norm(h, w[base + 5])
    gu = self.linear(y, w[base + 8], w[base + 9])
    half = gu.size(-1) // 2
    gate = gu[..., :half]
    up = gu[..., half:]
    if self.gelu:
      a = torch.gelu(gate, approximate="tanh")
    else:
      a = torch.silu(gate)
    m = self.linear(a * up, w[base + 10], w[base + 11])
    if self.sandwich_norms:
      m = self.norm(m, w[base + 7])
    return h + m

  def embed(self, w: List[Tensor], ids: Tensor) -> Tensor:
    h = torch.embedding(w[0], ids)
    if self.embed_scale != 1.0:
      h = h * torch.tensor(self.embed_scale, dtype=h.dtype, device=h.device)
    return h

  def finish(self, w: List[Tensor], states: List[Tensor]) -> Tuple[Tensor, Tensor, Tensor]:
    # states: L+1 entries [B, H] at the last position, the last one before the final norm.
    # Returns the stacked states, the greedy next token and the final logits' log-sum-exp over
    # the vocabulary (float32, [B]).
    last = self.norm(states[self.layers], w[1])
    states[self.layers] = last
    logits = self.linear(last, w[2], torch.empty([0]))
    next_ids = torch.argmax(logits, -1)
    log_sum_exp = torch.logsumexp(logits.float(), -1)
    return (torch.stack(states, 0).float(), next_ids, log_sum_exp)

  def attend_prompt(self, q: Tensor, k: Tensor, v: Tensor, mask: Optional[Tensor]) -> Tensor:
    # causal (mask None) or windowed (mask [T, T]) fused attention over the prompt. On CUDA the
    # flash kernel does grouped-query attention itself; libtorch's CPU flash kernel does not
    # (enable_gqa falls back to the unfused math path, 5x slower at 0.5B shapes), so on the CPU
    # the key/value heads are repeated for it.
    if not q.is_cuda and self.heads != self.kv_heads:
      group = self.heads // self.kv_heads
      k = k.repeat_interleave(group, 1)
      v = v.repeat_interleave(group, 1)
    gqa = q.size(1) != k.size(1)
    if mask is None:
      return torch.scaled_dot_product_attention(q, k, v, None, 0., True, scale=self.query_scale,
                                                enable_gqa=gqa)
    return torch.scaled_dot_product_attention(q, k, v, mask, 0., False, scale=self.query_scale,
                                              enable_gqa=gqa)

  def prefill(self, w: List[Tensor], ids: Tensor, lengths: Tensor,
              capacity: int) -> Tuple[List[Tensor], Tensor, Tensor, Tensor]:
    # ids [B, T] right-padded (pads after each prompt: the causal mask keeps them out of every
    # real token's attention, so no padding mask is needed); lengths [B] real tokens per row
    b = ids.size(0)
    t = ids.size(1)
    positions = torch.arange(t, device=ids.device).unsqueeze(0).expand([b, t])
    cos_g, sin_g = self.rope_tables(positions, w[3], self.rope_scale)
    cos_l, sin_l = self.rope_tables(positions, w[4], self.rope_scale_local)
    last = (lengths - 1).view([b, 1, 1]).expand([b, 1, self.hidden])
    window_mask = torch.empty([0], dtype=11, device=ids.device)
    if self.window > 0 and t > self.window:
      i = torch.arange(t, device=ids.device)
      d = i.unsqueeze(1) - i.unsqueeze(0)
      window_mask = (d >= 0) & (d < self.window)
    h = self.embed(w, ids)
    states = [h.gather(1, last).squeeze(1)]
    cache = annotate(List[Tensor], [])
    for layer in range(self.layers):
      base = 5 + 14 * layer
      q, k, v = self.attention_in(w, base, self.norm(h, w[base]), cos_g, sin_g, cos_l, sin_l, layer)
      ck = torch.empty([b, self.kv_heads, capacity, self.head_dim], dtype=self.dtype, device=ids.device)
      cv = torch.empty([b, self.kv_heads, capacity, self.head_dim], dtype=self.dtype, device=ids.device)
      ck[:, :, :t] = k
      cv[:, :, :t] = v
      cache.append(ck)
      cache.append(cv)
      if self.sliding(layer) and window_mask.numel() > 0:
        attn = self.attend_prompt(q, k, v, window_mask)
      else:
        attn = self.attend_prompt(q, k, v, None)
      h = self.block_out(w, base, h, attn)
      states.append(h.gather(1, last).squeeze(1))
    hidden, next_ids, log_sum_exp = self.finish(w, states)
    return (cache, hidden, next_ids, log_sum_exp)

  def decode(self, w: List[Tensor], cache: List[Tensor], ids: Tensor, lengths: Tensor,
             prompt_length: int, fed: int) -> Tuple[Tensor, Tensor, Tensor]:
    # ids [B] the tokens to feed; each goes to cache slot prompt_length + fed, at position
    # lengths + fed. Slots [lengths, prompt_length) hold the prefill's padding and are masked.
    b = ids.size(0)
    slot = prompt_length + fed
    seen = slot + 1
    positions = (lengths + fed).unsqueeze(1)
    cos_g, sin_g = self.rope_tables(positions, w[3], self.rope_scale)
    cos_l, sin_l = self.rope_tables(positions, w[4], self.rope_scale_local)
    j = torch.arange(seen, device=ids.device).unsqueeze(0)
    padded = bool(torch.any(lengths < prompt_length))
    visible = (j < lengths.unsqueeze(1)) | (j >= prompt_length)
    visible_local = visible
    if self.window > 0:
      key_position = torch.where(j < prompt_length, j, j - prompt_length + lengths.unsqueeze(1))
      visible_local = visible & (key_position > positions - self.window)
    mask = visible.view([b, 1, 1, seen])
    mask_local = visible_local.view([b, 1, 1, seen])
    group = self.heads // self.kv_heads
    h = self.embed(w, ids.unsqueeze(1))
    states = [h.squeeze(1)]
    for layer in range(self.layers):
      base = 5 + 14 * layer
      q, k, v = self.attention_in(w, base, self.norm(h, w[base]), cos_g, sin_g, cos_l, sin_l, layer)
      ck = cache[2 * layer]
      cv = cache[2 * layer + 1]
      ck[:, :, slot:seen] = k
      cv[:, :, slot:seen] = v
      keys = ck[:, :, :seen]
      values = cv[:, :, :seen]
      # one query per head; the group of query heads that shares a key/value head is that
      # head's group of query rows: fused attention without repeating keys and values
      qg = q.reshape([b, self.kv_heads, group, self.head_dim])
      if self.sliding(layer):
        attn = torch.scaled_dot_product_attention(qg, keys, values, mask_local, 0., False,
                                                  scale=self.query_scale)
      elif padded:
        attn = torch.scaled_dot_product_attention(qg, keys, values, mask, 0., False,
                                                  scale=self.query_scale)
      else:
        attn = torch.scaled_dot_product_attention(qg, keys, values, None, 0., False,
                                                  scale=self.query_scale)
      attn = attn.reshape([b, self.heads, 1, self.head_dim])
      h = self.block_out(w, base, h, attn)
      states.append(h.squeeze(1))
    return self.finish(w, states)

  def keep(self, cache: List[Tensor], rows: Tensor) -> List[Tensor]:
    out = annotate(List[Tensor], [])
    for c in cache:
      out.append(c.index_select(0, rows))
    return out
