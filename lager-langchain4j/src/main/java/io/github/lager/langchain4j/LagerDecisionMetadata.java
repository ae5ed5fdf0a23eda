package io.github.lager.langchain4j;

import dev.langchain4j.model.decision.response.DecisionResponseMetadata;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link LagerDecisionModel} response's metadata: LangChain4j's (the model name) and lager's
 * per question ({@link LagerAnswerMetadata}), by the question's name.
 *
 * <pre>{@code
 * DecisionResponse r = model.decide(request);
 * LagerAnswerMetadata quality = ((LagerDecisionMetadata) r.metadata()).answer("quality");
 * }</pre>
 */
public final class LagerDecisionMetadata extends DecisionResponseMetadata {
  private final Map<String, LagerAnswerMetadata> answers;

  private LagerDecisionMetadata(Builder b) {
    super(b);
    this.answers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.answers));
  }

  public static Builder lagerBuilder() {
    return new Builder();
  }

  /** lager's metadata of every question, in the request's order. */
  public Map<String, LagerAnswerMetadata> answers() {
    return answers;
  }

  /** lager's metadata of the question {@code name}; fails naming the questions there are. */
  public LagerAnswerMetadata answer(String name) {
    LagerAnswerMetadata m = answers.get(name);
    if (m == null) {
      throw new IllegalArgumentException("no question '" + name + "' in this response; it has "
          + answers.keySet());
    }
    return m;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LagerDecisionMetadata other && super.equals(o)
        && answers.equals(other.answers);
  }

  @Override
  public int hashCode() {
    return Objects.hash(super.hashCode(), answers);
  }

  @Override
  public String toString() {
    return "LagerDecisionMetadata{modelName=" + modelName() + ", answers=" + answers + "}";
  }

  /** Builds {@link LagerDecisionMetadata}. */
  public static final class Builder extends DecisionResponseMetadata.Builder<Builder> {
    private final Map<String, LagerAnswerMetadata> answers = new LinkedHashMap<>();

    private Builder() {}

    public Builder answer(String question, LagerAnswerMetadata metadata) {
      answers.put(Objects.requireNonNull(question, "question"),
          Objects.requireNonNull(metadata, "metadata"));
      return this;
    }

    @Override
    protected Builder self() {
      return this;
    }

    @Override
    public LagerDecisionMetadata build() {
      return new LagerDecisionMetadata(this);
    }
  }
}
