import Testing
@testable import FlowScheduler

@Suite struct CrontabTests {
  static let tick = "* * * * * cd /srv/ml && /usr/local/bin/flow tick --store /srv/ml/.flow/flow.db /srv/ml/pipelines >> /srv/ml/.flow/tick.log 2>&1"
  static let block = "# BEGIN flow managed block (do not edit) /srv/ml\n\(tick)\n# END flow managed block\n"

  @Test func installsIntoAnEmptyCrontab() throws {
    #expect(try Crontab("").installing([Self.tick], note: "/srv/ml").text == Self.block)
    #expect(try Crontab().installing([]).text == "# BEGIN flow managed block (do not edit)\n# END flow managed block\n")
  }

  @Test(arguments: [
    "0 * * * * /home/me/backup.sh\n",
    "MAILTO=me@example.com\n\n# my jobs\n0 * * * * /home/me/backup.sh\n\n",
    "0 * * * * /home/me/dos-line.sh\r\n@reboot  /home/me/start.sh   \n",
    "# only a comment\n",
  ])
  func appendsTheBlock_andRemovingItRestoresTheOriginalByteForByte(_ original: String) throws {
    let installed = try Crontab(original).installing([Self.tick], note: "/srv/ml")
    #expect(installed.text == original + Self.block)
    #expect(try installed.managedLines() == [Self.tick])
    #expect(try installed.removingManagedBlock().text == original)
  }

  @Test func addsTheMissingFinalNewline_beforeAppending() throws {
    let installed = try Crontab("0 * * * * /home/me/backup.sh").installing([Self.tick], note: "/srv/ml")
    #expect(installed.text == "0 * * * * /home/me/backup.sh\n" + Self.block)
  }

  @Test func replacesAnExistingBlockInPlace_keepingLinesAroundIt() throws {
    let before = "# top\r\n5 4 * * * a\n# BEGIN flow managed block (do not edit) old note\n0 0 * * * old-1\n0 1 * * * old-2\n"
      + "# END flow managed block\n\n7 7 * * * b   \n# bottom"
    let after = try Crontab(before).installing(["0 2 * * * new"], note: "/srv/ml")
    #expect(after.text == "# top\r\n5 4 * * * a\n# BEGIN flow managed block (do not edit) /srv/ml\n0 2 * * * new\n"
            + "# END flow managed block\n\n7 7 * * * b   \n# bottom\n")
    #expect(try after.removingManagedBlock().text == "# top\r\n5 4 * * * a\n\n7 7 * * * b   \n# bottom\n")
  }

  @Test func reinstallingTheSameLines_isIdempotent() throws {
    let once = try Crontab("0 * * * * a\n").installing([Self.tick], note: "/srv/ml")
    #expect(try once.installing([Self.tick], note: "/srv/ml") == once)
  }

  @Test func recognisesMarkersWithTrailingBlanksOrCarriageReturns() throws {
    let text = "a\n# BEGIN flow managed block (do not edit)\r\nold\n# END flow managed block  \r\nb\n"
    #expect(try Crontab(text).managedLines() == ["old"])
    #expect(try Crontab(text).removingManagedBlock().text == "a\nb\n")
  }

  @Test func removingWithoutABlock_changesNothing() throws {
    let crontab = Crontab("0 * * * * a")
    #expect(try crontab.removingManagedBlock() == crontab)
    #expect(try crontab.managedLines() == nil)
  }

  @Test(arguments: [
    ("a\n# BEGIN flow managed block (do not edit)\nx\n", "the managed block opened on line 2 is never closed"),
    ("a\n# END flow managed block\n", "line 2 closes a managed block that was never opened"),
    ("# BEGIN flow managed block\n# BEGIN flow managed block\n# END flow managed block\n",
     "line 2 opens a second managed block before the one on line 1 is closed"),
    ("# BEGIN flow managed block\n# END flow managed block\nx\n# BEGIN flow managed block\n# END flow managed block\n",
     "line 4 opens a second managed block (the first is lines 1-2)"),
  ])
  func refusesDamagedMarkers_ratherThanGuessing(_ text: String, _ message: String) {
    for edit in [{ try Crontab(text).installing(["x"]) }, { try Crontab(text).removingManagedBlock() }] {
      #expect {
        try edit()
      } throws: { error in
        let error = error as! ScheduleError
        return error.code == .malformedCrontab && error.message == "crontab: \(message)"
      }
    }
  }

  @Test(arguments: [["a\nb"], ["# END flow managed block"]], [nil, "x\ny"])
  func refusesLinesThatWouldBreakTheBlock(_ lines: [String], _ note: String?) {
    #expect(throws: ScheduleError.self) { try Crontab().installing(lines, note: note) }
  }

  @Test func isEffectivelyEmpty_ignoresCommentsAndBlankLines() {
    #expect(Crontab("").isEffectivelyEmpty)
    #expect(Crontab("# c\n\n  \t\n").isEffectivelyEmpty)
    #expect(!Crontab("# c\nMAILTO=x\n").isEffectivelyEmpty)
  }

  @Test func tickLine_usesAbsolutePathsAndAppendsToTheLog() throws {
    let line = try Crontab.tickLine(workingDirectory: "/srv/ml", flowExecutable: "/usr/local/bin/flow",
                                    store: "/srv/ml/.flow/flow.db", pipelinesDirectory: "/srv/ml/pipelines",
                                    log: "/srv/ml/.flow/tick.log")
    #expect(line == Self.tick)
  }

  @Test func tickLine_quotesPathsAndEscapesPercent() throws {
    let line = try Crontab.tickLine(cron: "@hourly", workingDirectory: "/home/me/My Project", flowExecutable: "/opt/flow's/flow",
                                    store: "/home/me/My Project/100%.db", pipelinesDirectory: "/p", log: "/l.log")
    #expect(line == #"@hourly cd '/home/me/My Project' && '/opt/flow'\''s/flow' tick --store '/home/me/My Project/100\%.db' /p >> /l.log 2>&1"#)
  }

  @Test func tickLine_rejectsRelativePathsAndBadCron() {
    #expect {
      try Crontab.tickLine(workingDirectory: "srv/ml", flowExecutable: "/f", store: "/s", pipelinesDirectory: "/p", log: "/l")
    } throws: { error in
      (error as! ScheduleError).message == "the working directory path must be absolute for cron, found 'srv/ml'"
    }
    #expect(throws: ScheduleError.self) {
      try Crontab.tickLine(workingDirectory: "/w", flowExecutable: "/f", store: "/s\n", pipelinesDirectory: "/p", log: "/l")
    }
    #expect(throws: ScheduleError.self) {
      try Crontab.tickLine(cron: "* * *", workingDirectory: "/w", flowExecutable: "/f", store: "/s", pipelinesDirectory: "/p", log: "/l")
    }
  }
}
