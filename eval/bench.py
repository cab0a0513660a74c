"""Speed benchmark: the same as `readout bench` (the code is extractor/bench.py).

    python eval/bench.py [--corpus PATH ...] [--docs 200] [--model models/tagger]
"""
from extractor.bench import main

if __name__ == "__main__":
    main()
