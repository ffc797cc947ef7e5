// Readers for the dataset formats in ../shared/data, checked against the counts SOURCES.md gives.
#include "data/bitext_file.h"
#include "data/csv.h"
#include "data/derived_bitext.h"
#include "data/derived_data.h"
#include "data/nli_file.h"
#include "data/sts_file.h"
#include "data/text_pairs.h"
#include "io/gzip.h"
#include "io/tar_archive.h"
#include "test_support.h"

#include <fmt/format.h>

namespace lacos {
namespace {

namespace fs = std::filesystem;

fs::path shared_data_path(const std::string& relative) { return test::shared_data(relative); }

std::size_t count_label(const NliSet& set, NliLabel label) {
  return static_cast<std::size_t>(
      std::count_if(set.examples.begin(), set.examples.end(), [&](const NliExample& e) { return e.label == label; }));
}

TEST(Csv, QuotedFieldsAndErrors) {
  const auto records = parse_csv("a,\"b, with comma\",3.5\n\"say \"\"hi\"\"\",\"two\nlines\",1\r\nlast,x,", "t.csv");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0][1], "b, with comma");
  EXPECT_EQ(records[1][0], "say \"hi\"");
  EXPECT_EQ(records[1][1], "two\nlines");
  EXPECT_EQ(records[2], (std::vector<std::string>{"last", "x", ""}));
  EXPECT_ERROR_CONTAINS(parse_csv("a,\"open\n", "t.csv"), "t.csv:1: a quoted CSV field is never closed");
}

// A minimal ustar archive with one member, gzip-compressed.
void write_tar_gz(const fs::path& path, const std::string& member, const std::string& content) {
  std::string header(512, '\0');
  std::copy(member.begin(), member.end(), header.begin());
  const std::string size = fmt::format("{:011o}", content.size());
  std::copy(size.begin(), size.end(), header.begin() + 124);
  header[156] = '0';
  std::copy_n("ustar", 5, header.begin() + 257);
  std::string archive =
      header + content + std::string((512 - content.size() % 512) % 512, '\0') + std::string(1024, '\0');
  write_gzip_file(path, archive);
}

TEST(NliFormats, TarArchiveOfTsvWithHeader) {
  test::TempDir dir;
  write_tar_gz(dir / "x.tar.gz", "xnli_test_xx.tsv",
               "id\tpremise\thypothesis\tlabel\n0\tP1\tH1\t0\n1\tP1\tH2\t2\n2\tP2\tH3\t1\n3\tP2\tH4\t0\n");
  const auto members = read_tar_members(dir / "x.tar.gz");
  ASSERT_EQ(members.size(), 1u);
  EXPECT_EQ(members[0].first, "xnli_test_xx.tsv");
  const NliSet set = read_nli_file(dir / "x.tar.gz");
  ASSERT_EQ(set.examples.size(), 4u);
  const auto pairs = nli_training_pairs(set.examples, false);
  ASSERT_EQ(pairs.size(), 2u);
  EXPECT_EQ(pairs[0].positive, "H1");
  const auto triplets = nli_training_pairs(set.examples, true);
  ASSERT_EQ(triplets.size(), 1u);  // P2 has no contradiction
  EXPECT_EQ(triplets[0].negative, "H2");
}

TEST(NliFormats, SharedDatasets) {
  LACOS_SHARED_DATA(snli, "nli/snli/snli_1.0_dev.jsonl.gz");
  const NliSet snli_dev = read_nli_file(snli);
  EXPECT_EQ(snli_dev.examples.size(), 9842u);  // 10000 lines, 158 with gold label "-"
  EXPECT_EQ(snli_dev.unlabeled, 158u);
  EXPECT_EQ(count_label(snli_dev, NliLabel::Entailment), 3329u);

  const NliSet mnli = read_nli_file(shared_data_path("nli/mnli/dev.jsonl"));
  EXPECT_EQ(mnli.examples.size(), 9815u);
  EXPECT_EQ(count_label(mnli, NliLabel::Entailment), 3479u);

  const NliSet xnli_dev = read_nli_file(shared_data_path("xnli/dev-en.tsv"));
  EXPECT_EQ(xnli_dev.examples.size(), 2490u);
  EXPECT_EQ(count_label(xnli_dev, NliLabel::Contradiction), 830u);
  EXPECT_EQ(nli_training_pairs(xnli_dev.examples, true).size(), 830u);  // 830 triplets

  const NliSet xnli_test = read_nli_file(shared_data_path("nli/xnli_test/xnli_test_de.tar.gz"));
  EXPECT_EQ(xnli_test.examples.size(), 5010u);
  EXPECT_EQ(nli_training_pairs(xnli_test.examples, true).size(), 1670u);

  const NliSet cad = read_nli_file(shared_data_path("nli/cad_snli/original/train.tsv"));
  EXPECT_EQ(cad.examples.size(), 1666u);
  EXPECT_EQ(count_label(cad, NliLabel::Entailment), 562u);

  const NliSet sick = read_nli_file(shared_data_path("sick/SICK.txt"));
  EXPECT_EQ(sick.examples.size(), 9840u);

  const NliSet kornli = read_nli_file(shared_data_path("kornlu/KorNLI/xnli.dev.ko.tsv"));
  EXPECT_EQ(kornli.examples.size(), 2490u);
}

TEST(StsFormats, SharedDatasets) {
  LACOS_SHARED_DATA(stsb, "stsb/sts-test.csv");
  EXPECT_EQ(read_sts_file(stsb).pairs.size(), 1379u);
  EXPECT_EQ(read_sts_file(shared_data_path("stsb_multi_mt/stsb-de-test.csv")).pairs.size(), 1379u);
  EXPECT_EQ(read_sts_file(shared_data_path("kornlu/KorSTS/sts-test.tsv")).pairs.size(), 1379u);
  EXPECT_EQ(read_sts_file(shared_data_path("sick/SICK.txt")).pairs.size(), 9840u);
  // STS17 track 6: 500 input lines, 250 gold scores.
  const StsSet track6 = read_sts_file(shared_data_path("sts17/STS2017.eval.v1.1/STS.input.track6.tr-en.txt"));
  EXPECT_EQ(track6.pairs.size(), 250u);
  EXPECT_EQ(track6.skipped_unscored, 250u);
  // SemEval years: the scored pair counts SentEval uses.
  const std::map<std::string, std::size_t> scored = {
      {"STS12", 3108}, {"STS13", 1500}, {"STS14", 3750}, {"STS15", 3000}, {"STS16", 1186}};
  for (const auto& [year, count] : scored) {
    std::size_t total = 0;
    for (const StsSet& subset : read_sts_year(shared_data_path("sts12-16/" + year))) {
      EXPECT_EQ(subset.name.rfind(year + ".", 0), 0u) << subset.name;
      total += subset.pairs.size();
    }
    EXPECT_EQ(total, count) << year;
  }
  EXPECT_EQ(read_sts_year(shared_data_path("sts12-16/STS12")).size(), 5u);
}

// Lines JSON cannot hold (a number beyond double's range, nesting past the bound) are malformed
// lines, counted like a syntax error, and the rest of the file is read.
TEST(NliFormats, JsonLinesRowsJsonCannotHoldAreMalformed) {
  test::TempDir dir;
  test::write_bytes(dir / "odd.jsonl",
                    "{\"premise\": 1e999}\n" + std::string(200, '[') + "\n" +
                        "{\"premise\": \"p\", \"hypothesis\": \"h\", \"label\": 0}\n");
  const NliSet odd = read_nli_file(dir / "odd.jsonl");
  EXPECT_EQ(odd.malformed, 2u);
  ASSERT_EQ(odd.examples.size(), 1u);
}

TEST(StsFormats, Errors) {
  test::TempDir dir;
  test::write_bytes(dir / "STS.input.x.txt", "a\tb\n");
  EXPECT_ERROR_CONTAINS(read_sts_file(dir / "STS.input.x.txt"), "gold scores file");
  test::write_bytes(dir / "empty.tsv", "");
  EXPECT_ERROR_CONTAINS(read_sts_file(dir / "empty.tsv"), "no scored sentence pairs");
  EXPECT_ERROR_CONTAINS(read_sts_file(dir / "nope.tsv"), "nope.tsv: cannot open");
  test::write_bytes(dir / "bad.jsonl", "{\"premise\": \"p\", \"hypothesis\": \"h\", \"label\": \"maybe\"}\n");
  EXPECT_ERROR_CONTAINS(read_nli_file(dir / "bad.jsonl"), "bad.jsonl:1: unknown NLI label 'maybe'");
}

}  // namespace
}  // namespace lacos

namespace lacos {
namespace {

// lacos-prepare-data rebuilds the shared STS evaluation files byte for byte from the raw datasets.
TEST(DerivedData, RebuildsTheSharedEvaluationFilesExactly) {
  LACOS_SHARED_DATA(data_root, "stsb/sts-test.csv");
  const std::filesystem::path root = data_root.parent_path().parent_path();
  test::TempDir dir;
  const DerivedReport report = prepare_derived_data(root, dir / "derived", /*seed=*/0);
  // One line per STS file, 14 bitext sets, the pairs.
  EXPECT_EQ(report.lines.size(), sts_eval_sources().size() + xnli_bitext_languages().size() + 1);
  EXPECT_EQ(read_bitext_file(dir / "derived" / "bitext" / "xnli-zh-en.tsv").sentences.size(), 830u);
  for (const DerivedSource& source : sts_eval_sources()) {
    EXPECT_EQ(test::read_bytes(dir / "derived" / "sts-eval" / source.output),
              test::read_bytes(root / "derived" / "sts-eval" / source.output))
        << source.output;
  }
  const PairSet pairs = read_pair_tsv(dir / "derived" / "nli-entailment-pairs.tsv.gz");
  EXPECT_GT(pairs.pairs.size(), 55000u);
  EXPECT_EQ(pairs.malformed, 0u);
}

}  // namespace
}  // namespace lacos
