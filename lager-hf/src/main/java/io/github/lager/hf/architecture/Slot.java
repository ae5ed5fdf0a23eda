package io.github.lager.hf.architecture;

import java.util.Arrays;
import java.util.List;

/**
 * The weights of a decoder-only judge, by role. An {@link Architecture} says which slots a model
 * has and what each is called in its checkpoint ({@link TensorLayout}); a slot a model lacks is
 * absent (no bias, no q/k norm), and a fused checkpoint tensor (Phi-3's {@code qkv_proj},
 * {@code gate_up_proj}) fills the first slot of its group ({@link #Q}, {@link #GATE}) while the
 * others are absent. The per-layer slots are in the order the DJL backend's decoder takes them.
 */
public enum Slot {
  EMBED(false),
  FINAL_NORM(false),
  LM_HEAD(false),
  INPUT_NORM(true),
  Q(true),
  K(true),
  V(true),
  Q_BIAS(true),
  K_BIAS(true),
  V_BIAS(true),
  O(true),
  O_BIAS(true),
  POST_ATTENTION_NORM(true),
  PRE_FEEDFORWARD_NORM(true),
  POST_FEEDFORWARD_NORM(true),
  GATE(true),
  UP(true),
  GATE_BIAS(true),
  UP_BIAS(true),
  DOWN(true),
  DOWN_BIAS(true),
  Q_NORM(true),
  K_NORM(true);

  /** The per-layer slots, in order. */
  public static final List<Slot> LAYER = Arrays.stream(values()).filter(Slot::perLayer).toList();

  private final boolean perLayer;

  Slot(boolean perLayer) {
    this.perLayer = perLayer;
  }

  /** Whether every layer has its own tensor of this slot. */
  public boolean perLayer() {
    return perLayer;
  }
}
