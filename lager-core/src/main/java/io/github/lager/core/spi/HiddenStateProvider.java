package io.github.lager.core.spi;

import java.util.List;

/**
 * A loaded judge model that reads hidden states: given the token ids of chat-templated judge
 * prompts, it decodes greedily and returns, per prompt, the {@code L+1} hidden states of the step
 * that produced the last score token (docs/method.md section 1), the generated ids and that step,
 * or that no score token was generated.
 *
 * <p>Heavy: it holds model weights and native memory. Create it through a
 * {@link HiddenStateProviderFactory}, use it from one thread, and close it.
 */
public interface HiddenStateProvider extends AutoCloseable {
  /** L, the number of decoder layers; every result has {@code L+1} hidden-state entries. */
  int numHiddenLayers();

  /** The size of each hidden state. */
  int hiddenSize();

  /**
   * Runs one batch: greedy decoding of every prompt, up to {@code options.maxNewTokens()} tokens.
   *
   * @param promptIds token ids of each chat-templated prompt, unpadded
   * @return one output per prompt, in order
   */
  List<ScorePositionOutput> generate(List<int[]> promptIds, GenerationOptions options);

  /**
   * Where the model runs, as resolved by the backend ({@code cpu}, {@code gpu:0}, ...): recorded
   * in a run's manifest, so a resumed run on another device is refused.
   */
  default String device() {
    return "unreported";
  }

  /**
   * The dtype the model computes in, as resolved by the backend ({@code float32}, {@code
   * bfloat16}, {@code float16}): recorded in a run's manifest.
   */
  default String dtype() {
    return "unreported";
  }

  @Override
  void close();
}
