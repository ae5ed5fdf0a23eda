package io.github.lager.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.lager.core.math.ScoreMethod;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Real data: per-layer score logits the reference wrote for Llama-3.1-8B-Instruct on FLASK
 * (reasoning condition), six overlapping draws in ../shared/data/int-rule-flask. The expected
 * correlations are the table of ../shared/data/README.md (published evaluation formulas, fp32).
 */
class FlaskEvaluationTest {
  /** The README gives 4 decimals. */
  static final double FOUR_DECIMALS = 0.5e-4;

  @Test
  void unionReproducesTheReferenceTable() throws IOException {
    List<SampleSets.Source> sources = FlaskData.flaskSources();
    assertThat(sources).hasSize(6);
    SampleSets.Merged merged = SampleSets.mergeByIdx(sources);
    assertThat(merged.samples()).hasSize(539);
    assertThat(merged.duplicatesDropped()).isEqualTo(20 + 40 + 80 + 100 + 160 + 200 - 539);

    EvaluationReport r = Evaluation.evaluate(merged.samples(),
        List.of(ScoreMethod.DIRECT_SCORE, ScoreMethod.E_SCORE, ScoreMethod.LAGER_WO), null, "");
    assertThat(r.n()).isEqualTo(539);
    assertThat(r.skippedInvalid()).isZero();
    assertThat(r.entries()).isEqualTo(33);
    check(r, ScoreMethod.DIRECT_SCORE, 0.3959, 0.4468);
    check(r, ScoreMethod.E_SCORE, 0.4139, 0.4572);
    check(r, ScoreMethod.LAGER_WO, 0.4290, 0.4877);
    assertThat(r.perEntry()).hasSize(33);
  }

  static void check(EvaluationReport r, ScoreMethod m, double spearman, double pearson) {
    CorrelationRow row = r.rows().get(m);
    assertThat(row.spearman()).as("%s spearman", m.key()).isCloseTo(spearman, within(FOUR_DECIMALS));
    assertThat(row.pearson()).as("%s pearson", m.key()).isCloseTo(pearson, within(FOUR_DECIMALS));
  }
}
