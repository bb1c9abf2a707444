package dev.switchboard.health;

/** What an admin API call answers: a status and a JSON body. */
record AdminAnswer(int status, String body) {
}
