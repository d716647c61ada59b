"""Case studies: a learner's written response to a situation, then the model response and a rubric they
score their response against. Private to the learner; leaders see only whether it is done and the score."""
