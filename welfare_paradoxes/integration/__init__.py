"""The integration of the strands: joint displays, the meta-inference rule, the findings."""
