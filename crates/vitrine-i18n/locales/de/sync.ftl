# The kiosk's link with HQ, as store staff see it (staff status screen).
sync-problem-not-enrolled = Terminal nicht mit der Zentrale verbunden: Verbinden Sie es im Personalbereich.
sync-problem-unreachable = Zentrale nicht erreichbar (Netzwerk oder Server): Das Terminal arbeitet mit seinem Zwischenspeicher weiter und versucht es erneut.
sync-problem-refused = Die Zentrale lehnt dieses Terminal ab (gesperrt?): Fordern Sie einen neuen Registrierungscode an.
sync-problem-busy = Die Zentrale bittet zu warten: Das Terminal versucht es später erneut.
sync-problem-hq-failed = Die Zentrale hat mit einem Fehler geantwortet: Das Terminal versucht es erneut.
sync-problem-update-refused = Katalogaktualisierung abgelehnt (Prüfung von Signatur, Version oder Filiale): Der bisherige Katalog bleibt erhalten.
sync-problem-storage = Problem mit der Datenbank des Terminals: siehe Protokoll.
sync-problem-other = Synchronisierungsproblem: siehe Details.
