import FlowCore
import FlowExpressions
import Testing

/// The hand-written digests against published test vectors (RFC 1321, RFC 3174, FIPS 180-4 examples)
/// and against lengths around the padding boundaries.
@Suite struct HashTests {
  func hex(_ algorithm: HashAlgorithm, _ text: String) -> String { algorithm.hexDigest(Array(text.utf8)) }

  @Test func md5Vectors() {
    #expect(hex(.md5, "") == "d41d8cd98f00b204e9800998ecf8427e")
    #expect(hex(.md5, "abc") == "900150983cd24fb0d6963f7d28e17f72")
    #expect(hex(.md5, "message digest") == "f96b697d7cb7938d525a2f31aaf161d0")
    #expect(hex(.md5, "The quick brown fox jumps over the lazy dog") == "9e107d9d372bb6826bd81d3542a419d6")
    #expect(
      hex(.md5, "12345678901234567890123456789012345678901234567890123456789012345678901234567890")
        == "57edf4a22be3c955ac49da2e2107b67a")
  }

  @Test func sha1Vectors() {
    #expect(hex(.sha1, "") == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
    #expect(hex(.sha1, "abc") == "a9993e364706816aba3e25717850c26c9cd0d89d")
    #expect(
      hex(.sha1, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") == "84983e441c3bd26ebaae4aa1f95129e5e54670f1")
  }

  @Test func sha256Vectors() {
    #expect(hex(.sha256, "") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    #expect(hex(.sha256, "abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    #expect(
      hex(.sha256, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
        == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
  }

  @Test func sha384And512Vectors() {
    #expect(
      hex(.sha384, "abc")
        == "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7")
    #expect(
      hex(.sha512, "abc")
        == "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f")
    let twoBlocks =
      "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"
    #expect(
      hex(.sha384, twoBlocks)
        == "09330c33f71147e83d192fc782cd1b4753111b173b3b05d22fa08086e3b0f712fcc7c71a557e2db966c3e9fa91746039")
    #expect(
      hex(.sha512, twoBlocks)
        == "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909")
  }

  /// What AWS returned for `States.Hash('input data', …)` and `States.Hash('hello', …)`.
  @Test func awsDigests() {
    #expect(hex(.sha256, "input data") == "b4a697a057313163aee33cd8d40c66e9f0f177e00cac2de32475ffff6169c3e3")
    #expect(
      hex(.sha512, "input data")
        == "6ce4adb348546d4f449c4d25aad9a7c9cb711d9e91982d3f0b29ca2f3f47d4ce2deba23bf2954f0f1d593fc50283731a533d30d425402d4f91316d871303aac4")
    #expect(hex(.md5, "hello") == "5d41402abc4b2a76b9719d911017c592")
    #expect(hex(.sha1, "hello") == "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d")
    #expect(
      hex(.sha384, "hello")
        == "59e1748777448c69de6b800d7a33bbfb9ff1b463e44354c3553bcdb9c666fa90125a3c79f90397bdf5f6a13de828684f")
    #expect(hex(.sha256, "\u{2713}") == "1dabba21cdad44541f6b15796f8d22978fc7ea10c46aeceeeeb66c23b3ac7604")
    #expect(hex(.sha256, "\u{1F680}") == "ebbc0b2870eb323f2b6cffa5c493ceef81ae7eb36afc73d4e0367301631daec5")
    #expect(hex(.md5, "abc\u{0}def") == "a5e4d5963ae44c1f4bfb37b1a3d55a3c")
  }

  static let boundaryVectors: [(Int, [String])] = [
    (55, ["030157be00035d098644cfc70e5deaea", "8829dc293fb52f1477aa7323310a5bcf949ce4f8", "1deace58c745f3ecadde68a5923f494c3703fa73f0306483ccb898a5826e8d70", "5857bfb2523e03c703868c1dc5ad6c9c29aa20ea9f868eb35079ee9cfc02e870e68dd05e0a7a9c7e6a5318a7f6eb7387", "eac5ae9c6b4ff21e87bd0e3ab17784a3916ea556c4b893b0c24843068cea295d15ce84fe40b14e1c3610c12b08a82b6e5cf35a2a90f76bfb9baa2ecd6f299dbb"]),
    (56, ["8e758df1ec8681fc06daa64253668f13", "3c440665799f6f245108a068a11e59507d4f9e2c", "06dbe23685750e4d3881ded95047abaf93fa8f9c5d3501dc57c717a72ff1398e", "ba012326f3e711530691e2964e229e05f6c52ce5a08da925c684c9e79b9fee8bf2ad74240c6d3dbc4afd5ebf4aef6625", "8b8c39aff78464f48125c952d59a17335db274120c321928993280e3de8ed56ba428d66b772bd2c91d4f6ba49b59d26e4c2cfb08890117aab127ab87afbcd73f"]),
    (63, ["4a805576b511a836fefee199fb797ae5", "5e2cdca8ef9552e40ad2228153e778e586eebc50", "47fb38b12335c9298d09280515c0666489a189d1554bb0ac1a0740806ce9d8b6", "914e733874699bca094e19b81abc651bd5efd2009aac12de1f2880ed8d4f37eb588cfb44317d615511d8a161f4babaa4", "1955e5263d977825e571a3148f29d53d2d9a305779fdd8de21553a2359e3a149e16510d1b504eaf2b60f2283bfc2897b6346cc70749e097376aa124c958f4d32"]),
    (64, ["7a0cbe2eab91195c56eae7f83588d243", "24d0ab86ac7542b26241687c97b79ae2cc22ac90", "dfa798724b1a8014994f363e5da7474ed26ce3757fb29e07aa47ad5a9352d37b", "3fc24c04f5cc0d9931ff7b0f4e51693cd84132f3cac401afde2fc48af180b4640c801510615a533db7b5ace8d816963f", "1cf8de2670546a69ca5cd3e93399d4a8e35a1fb79d60d10e80239b902cdc1ff9554a14bca10a6957747585a56c00127f43e4ad8769ca14be1816420a955f5c13"]),
    (111, ["3f17e9ea336d7f96b3f0db1936b91946", "568d0ccb8540894bd61a8e586391ac920d9e6196", "2ea239204423b890039a115a62d44a1b1c37675a784f5c6a9b786e9fca4c4cee", "15d0faf0d34231c5a3daa35321315f6a9c8185fc9e24240acbb508b5049002b826906bd03b65f4c23ddbf0bd87848e82", "0ef0e383d1e3b7f1e7477f27d7d62a25b3d637c42b509c96f230889cc05cade87cb595834c2f3cccd4c842221251636e3ef6c8b57ee0656e5352a9e968044ab7"]),
    (112, ["96ae39552a91e0215646c5ed47139e3e", "0899dadadbcdd6e10fc9b022b73e22a3d8e59993", "ab7909f0b44839b4f374c4e5974bc1dd7c50eae999602865138f9e3586da29c2", "3f2f40f7d21ee0ece037ccb1c2ae05f1d9999888c7ef45c7bd731b218422cd7e0b970dd827979c2a35459a030e749ebe", "3b30650ae40d6cf145136a38623ebf064e642157296df6595c6b1a3fac9f5c30461bbc698b19fff7192763656ffc619002ce0cf39eb9efdfd9914a81d81fd71f"]),
    (127, ["72a9cc53dbae65d0146d626d46f6fb74", "f5b00f038e9a8ef4711336bba10726c553d46063", "2409a159329f4e770a7d8128130497abb1de01ffb6ad389d97d89ebbeeb7f02c", "7ccfb0aaa18666e62745e4712b5cfa942410522f79d0bd8dd06b73e3d50d676149a9d3160c65b948d29f4444e3577627", "07d05c6a64f1c2ebc735334f428871fca7153286d369318b52427074c3d97e97af523a00b2dd02e5150ee7f962380cf841bcb566cd4921e0226602986e59aff6"]),
    (128, ["087b965e51e4b1200ebfd13e9761caa5", "0a1d410f25f3840e4498a2ad922fea55bb4b79da", "3a9c1e22e20578eebe442238f431befd688bd56698eb7c77d95d3f97d8f58207", "cc793001513820ab7cb27b05590881ca83d7130063454ff76e61b271f5a85818ec751b3b2af1ac3c7f48f2ef86e1ccbe", "9ac7d9bb8e42c2ce0230fe54f60868dca869afe8c4c02771ae54a7827818e6a8840b1fc2efbf2b5163150ed3710318d750c0ac2998b2c628ce4e66cb12cabfff"]),
    (1000, ["c90582fbbeb1275142915b85da61ade9", "576418509284cbe426fa53fa4aa8da5fee1ab095", "a9425c416f534025a4e2422bd14adba4ec3d4a68d10c3329be8df612964d2b6e", "a02b7ed5eb01c7daa257bb1d8455d1b3528ac3f10c1c949abcb5580e4dfa10d5cdb384cd1eb55fc82a8ce87e8b3e9044", "585b7a26bf81872d575ee2d071374956d4fa3570e31e244231d14410f824a73a64ac870479a54ab425473726b529392e274683daa521d9b89d8b2bf80c0c831f"]),
  ]

  /// Messages whose padding spills into an extra block (55/56 bytes for 64-byte blocks, 111/112 for 128-byte ones).
  @Test(arguments: boundaryVectors.map(\.0))
  func paddingBoundaries(length: Int) {
    let bytes = (0..<length).map { UInt8(($0 * 7 + 3) % 251) }
    let expected = Self.boundaryVectors.first { $0.0 == length }!.1
    let actual = [HashAlgorithm.md5, .sha1, .sha256, .sha384, .sha512].map { $0.hexDigest(bytes) }
    #expect(actual == expected)
  }

  @Test func namesAreTheStatesLanguageNames() {
    #expect(HashAlgorithm.allCases.map(\.rawValue) == ["MD5", "SHA-1", "SHA-256", "SHA-384", "SHA-512"])
  }
}
