"""The project's tools, run as modules from the repository's root (`python -m tools.<name>`; the
Makefile's targets do).

    config          _config.yml's readers: the release tag, the repository, the site's address
    project         facts several tools need: the kernels' environment, the notebook budget, hashes
    colab_cell      the chapters' Colab install cells and the links that copy _config.yml
    build_book      executes the notebooks once (jupyter-cache) and builds the website
    build_pdf       the whole book as one PDF
    exercises       student notebooks, autograders, and `make grade`
    grading         trusted grading: the sandbox, the judge, the gradebook (see its docstring)
    make_digits_split   the course's and exercise 7's digits (run once)
"""
