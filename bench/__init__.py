"""Benchmark suite: synthetic partnerships, one command, figures as ratios against baselines."""
