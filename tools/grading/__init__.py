"""Trusted grading: the score is decided outside the student's code, which runs sandboxed.

    wire        the plain data that crosses between the two sides (no pickle, ever)
    runner      the submission's side: runs the notebook's cells, answers requests (in the sandbox)
    sandbox     how the runner is started: bubblewrap, or the strongest fallback available
    session     the trusted side's view of a running notebook: lookups and remote calls
    judge       runs the exercise's tests against the session and decides every point
    submission  reads a notebook as data; grades it in a judge process with a hard time limit
    batch       `make grade`: a folder of submissions into GRADES (results, logs, grades.csv)
    bundle      builds an exercise's autograder folder and its standalone Gradescope zip
    gradescope  the zip's run_autograder entry point

See the README's instructor section for what the sandbox guarantees and what it needs.
"""
