package io.github.lager.core.spi;

import io.github.lager.core.InvalidInputException;
import io.github.lager.core.math.HiddenStates;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The bookkeeping of greedy decoding over a left-padded batch, shared by the backends, as Hugging
 * Face {@code generate()} does it:
 *
 * <ul>
 *   <li>prompts are left-padded to the longest, so every row's last token is at the same column;
 *   <li>position ids are {@code cumsum(attention_mask) - 1}, padding positions filled with 1;
 *   <li>a row that emits an end-of-sequence token is finished: it is fed the pad token (with
 *       attention mask 1) while the batch goes on, and its generated ids end at the EOS (a
 *       backend may instead drop finished rows from its batch: their results are the same);
 *   <li>a generated label token is a score token when the {@link ScorePositionRule} of the
 *       options takes it: with the reference's rule every label token is, and the last one is the
 *       score position (docs/method.md section 1); with an anchor, the first label token after the
 *       anchor text is, and no later one;
 *   <li>with {@link GenerationOptions#stopAtFirstScore()}, a row also ends at its first score
 *       token (a deviation from the reference, off by default);
 *   <li>decoding stops when every row has finished or after {@code maxNewTokens} tokens;
 *   <li>the hidden states of a step are kept for a row when that step's token is a score token;
 *       they replace the row's earlier ones.
 * </ul>
 *
 * <p>Call order: construct, then per step run the model on {@link #tokens()} (or the last column
 * with a KV cache) and call {@link #accept(long[])} with the argmax of the last position's logits
 * and {@link #keepScoreState} for each row it names (or {@link #accept(long[], Supplier)}, which
 * does both), until no more step is needed; then {@link #outputs()}.
 */
public final class BatchDecoding {
  private final GenerationOptions options;
  private final int batch;
  private final int entries;
  private final int hidden;
  private final int promptLength;
  private final long[][] tokens;
  private final long[][] mask;
  private final long[][] positions;
  private final int[] realTokens;
  private final List<List<Integer>> generated = new ArrayList<>();
  private final boolean[] finished;
  private final float[][] scoreStates;
  private final double[] scoreLogSumExp;
  private final int[] scoreStep;
  private final int[] stateStep;
  private int length;
  private int step;

  /**
   * @param entries hidden-state entries per sample ({@code L+1})
   * @param hidden the hidden size
   */
  public BatchDecoding(List<int[]> prompts, GenerationOptions options, int entries, int hidden) {
    this.options = options;
    this.batch = prompts.size();
    this.entries = entries;
    this.hidden = hidden;
    int longest = 0;
    for (int[] p : prompts) {
      if (p.length == 0) {
        throw new InvalidInputException("a prompt has no tokens");
      }
      longest = Math.max(longest, p.length);
    }
    this.promptLength = longest;
    int capacity = longest + options.maxNewTokens();
    tokens = new long[batch][capacity];
    mask = new long[batch][capacity];
    positions = new long[batch][capacity];
    realTokens = new int[batch];
    finished = new boolean[batch];
    scoreStates = new float[batch][];
    scoreLogSumExp = new double[batch];
    scoreStep = new int[batch];
    stateStep = new int[batch];
    for (int b = 0; b < batch; b++) {
      int[] p = prompts.get(b);
      int pad = longest - p.length;
      for (int i = 0; i < longest; i++) {
        boolean real = i >= pad;
        tokens[b][i] = real ? p[i - pad] : options.padTokenId();
        mask[b][i] = real ? 1 : 0;
        positions[b][i] = real ? i - pad : 1;
      }
      realTokens[b] = p.length;
      generated.add(new ArrayList<>());
      scoreStep[b] = -1;
      stateStep[b] = -1;
    }
    length = longest;
  }

  public int batch() {
    return batch;
  }

  /** The longest prompt: the first step's sequence length. */
  public int promptLength() {
    return promptLength;
  }

  /** The current sequence length (prompt columns plus the tokens fed so far). */
  public int length() {
    return length;
  }

  /** The step about to run (0 = the prompt). */
  public int step() {
    return step;
  }

  /** {@code [batch][length]}: every token so far, left-padded. */
  public long[][] tokens() {
    return slice(tokens, 0, length);
  }

  /** {@code [batch][length]}: 1 for real tokens (and tokens fed after EOS), 0 for padding. */
  public long[][] attentionMask() {
    return slice(mask, 0, length);
  }

  /** {@code [batch][length]}: position ids as transformers derives them from the mask. */
  public long[][] positions() {
    return slice(positions, 0, length);
  }

  /** The columns this step feeds with a KV cache: all of the prompt at step 0, then the last. */
  public int newColumns() {
    return step == 0 ? length : 1;
  }

  /** {@code tokens()} restricted to {@link #newColumns()}. */
  public long[][] newTokens() {
    return slice(tokens, length - newColumns(), length);
  }

  /** {@code positions()} restricted to {@link #newColumns()}. */
  public long[][] newPositions() {
    return slice(positions, length - newColumns(), length);
  }

  /**
   * What one step decided.
   *
   * @param more whether another step is needed
   * @param scoredRows the rows whose token this step is a score token: the caller hands their
   *     hidden states to {@link #keepScoreState} (they replace the row's earlier ones)
   */
  public record Step(boolean more, int[] scoredRows) {
    public Step {
      scoredRows = scoredRows.clone();
    }

    @Override
    public int[] scoredRows() {
      return scoredRows.clone();
    }
  }

  /**
   * Records one step.
   *
   * @param argmax the most likely next token of each row (ignored for finished rows)
   */
  public Step accept(long[] argmax) {
    if (argmax.length != batch) {
      throw new IllegalArgumentException("argmax of " + argmax.length + " rows for a batch of " + batch);
    }
    long[] next = new long[batch];
    int[] scored = new int[batch];
    int nScored = 0;
    for (int b = 0; b < batch; b++) {
      if (finished[b]) {
        next[b] = options.padTokenId();
        continue;
      }
      next[b] = argmax[b];
      int token = Math.toIntExact(argmax[b]);
      boolean isScore = options.labelTokens().indexOfToken(token) >= 0
          && options.scorePosition().takes(generatedIds(b), scoreStep[b] >= 0);
      if (isScore) {
        scored[nScored++] = b;
        scoreStep[b] = step;
      }
      generated.get(b).add(token);
      finished[b] = options.isEos(token) || (isScore && options.stopAtFirstScore());
    }
    step++;
    int[] scoredRows = java.util.Arrays.copyOf(scored, nScored);
    if (allFinished() || step >= options.maxNewTokens()) {
      return new Step(false, scoredRows);
    }
    for (int b = 0; b < batch; b++) {
      tokens[b][length] = next[b];
      mask[b][length] = 1;
      positions[b][length] = realTokens[b]++;
    }
    length++;
    return new Step(true, scoredRows);
  }

  /**
   * Records one step, fetching the hidden states only when a row's token is a score token (for a
   * backend that cannot report the final log-sum-exp: it is recorded as unknown).
   *
   * @param statesLbh the step's hidden states at the last position, {@code [L+1][batch][hidden]}
   *     row-major; called at most once
   * @return whether another step is needed
   */
  public boolean accept(long[] argmax, Supplier<float[]> statesLbh) {
    Step s = accept(argmax);
    if (s.scoredRows.length > 0) {
      float[] states = statesLbh.get();
      for (int b : s.scoredRows) {
        keepScoreState(b, rowOf(states, b, entries, batch, hidden), Double.NaN);
      }
    }
    return s.more();
  }

  /**
   * The hidden states of {@code row} at its latest score step, {@code [L+1][hidden]} row-major,
   * and the final layer's log-sum-exp over the vocabulary at that step ({@code NaN} when the
   * backend cannot tell); they replace the row's earlier ones (the last score token is the score
   * position).
   */
  public void keepScoreState(int row, float[] entriesByHidden, double finalLogSumExp) {
    if (entriesByHidden.length != entries * hidden) {
      throw new IllegalArgumentException("hidden states of " + entriesByHidden.length
          + " values for row " + row + ", expected " + entries + " x " + hidden);
    }
    if (scoreStep[row] < 0) {
      throw new IllegalStateException("row " + row + " has generated no score token");
    }
    scoreStates[row] = entriesByHidden.clone();
    scoreLogSumExp[row] = finalLogSumExp;
    stateStep[row] = scoreStep[row];
  }

  private int[] generatedIds(int row) {
    return generated.get(row).stream().mapToInt(Integer::intValue).toArray();
  }

  /** Whether {@code row} has ended (EOS, or its first score token with stop-at-first-score). */
  public boolean isFinished(int row) {
    return finished[row];
  }

  /**
   * For a backend that drops ended rows from its batch: the positions in {@code rows} (its
   * decoder rows, each a batch row) of the rows that have not ended.
   */
  public long[] liveRows(int[] rows) {
    long[] out = new long[rows.length];
    int n = 0;
    for (int i = 0; i < rows.length; i++) {
      if (!finished[rows[i]]) {
        out[n++] = i;
      }
    }
    return java.util.Arrays.copyOf(out, n);
  }

  /** The batch rows of the decoder rows that stay: {@code rows[kept[i]]}. */
  public static int[] keepRows(int[] rows, long[] kept) {
    int[] out = new int[kept.length];
    for (int i = 0; i < kept.length; i++) {
      out[i] = rows[(int) kept[i]];
    }
    return out;
  }

  /**
   * The decoder rows' next tokens as a whole-batch array for {@link #accept}: rows that ended get
   * 0, which {@code accept} ignores for them.
   */
  public long[] toBatch(long[] next, int[] rows) {
    long[] out = new long[batch];
    for (int i = 0; i < rows.length; i++) {
      out[rows[i]] = next[i];
    }
    return out;
  }

  /** The token {@code row} generated last: the one the next step feeds. */
  public long lastToken(int row) {
    List<Integer> g = generated.get(row);
    if (g.isEmpty()) {
      throw new IllegalStateException("row " + row + " has generated nothing yet");
    }
    return g.get(g.size() - 1);
  }

  /** One output per prompt, in order. */
  public List<ScorePositionOutput> outputs() {
    List<ScorePositionOutput> out = new ArrayList<>();
    for (int b = 0; b < batch; b++) {
      int[] gen = generated.get(b).stream().mapToInt(Integer::intValue).toArray();
      if (scoreStep[b] >= 0 && stateStep[b] != scoreStep[b]) {
        throw new IllegalStateException("row " + b + " generated a score token at step "
            + scoreStep[b] + " but its hidden states of that step were not kept");
      }
      out.add(scoreStates[b] == null ? new ScorePositionOutput.NoScoreToken(gen)
          : new ScorePositionOutput.Found(gen, scoreStep[b],
              HiddenStates.wrap(entries, hidden, scoreStates[b]), scoreLogSumExp[b]));
    }
    return out;
  }

  private boolean allFinished() {
    for (boolean f : finished) {
      if (!f) {
        return false;
      }
    }
    return true;
  }

  /** Row {@code b} of {@code [entries][batch][hidden]} as {@code [entries][hidden]}. */
  public static float[] rowOf(float[] states, int b, int entries, int batch, int hidden) {
    if (states.length != entries * batch * hidden) {
      throw new IllegalArgumentException("hidden states of " + states.length + " values, expected "
          + entries + " x " + batch + " x " + hidden);
    }
    float[] out = new float[entries * hidden];
    for (int l = 0; l < entries; l++) {
      System.arraycopy(states, (l * batch + b) * hidden, out, l * hidden, hidden);
    }
    return out;
  }

  /** A {@code [rows][cols]} matrix as one row-major array (for tensor creation). */
  public static long[] rowMajor(long[][] a) {
    int cols = a.length == 0 ? 0 : a[0].length;
    long[] out = new long[a.length * cols];
    for (int i = 0; i < a.length; i++) {
      System.arraycopy(a[i], 0, out, i * cols, cols);
    }
    return out;
  }

  private static long[][] slice(long[][] a, int from, int to) {
    long[][] out = new long[a.length][];
    for (int b = 0; b < a.length; b++) {
      out[b] = java.util.Arrays.copyOfRange(a[b], from, to);
    }
    return out;
  }
}
