"""Learning from this project's analysts (issue 14): a model trained on reviewed claims
that re-scores the rules' suggestions and extends their cue lexicon. Qt-free."""
