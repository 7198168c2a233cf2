"""The build engine: it runs notebooks and publishes what they export, and knows nothing of
the thesis.

- :mod:`.build` executes the notebooks that changed (papermill), stages and renders the book
  (Jupyter Book), and ends with the privacy scan;
- :mod:`.chapter` is what a notebook holds: tables, figures and files exported with their
  provenance records, and :mod:`.glue` its numbers for the prose;
- :mod:`.manifest` joins the records into ``manifest.json``; :mod:`.verify` compares a build
  with the published reference;
- :mod:`.artifacts`, :mod:`.display`, :mod:`.figure_data`, :mod:`.hashing`, :mod:`.paths`,
  :mod:`.datafiles` and :mod:`.privacy` are their parts.
"""
