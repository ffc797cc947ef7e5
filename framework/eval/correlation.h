// Correlation coefficients for STS evaluation (as scipy.stats computes them).
#pragma once

#include <vector>

namespace lacos {

double pearson(const std::vector<double>& x, const std::vector<double>& y);
// Ranks from 1, ties given the average of the ranks they span.
std::vector<double> average_ranks(const std::vector<double>& values);
// Pearson correlation of the average ranks.
double spearman(const std::vector<double>& x, const std::vector<double>& y);

}  // namespace lacos
