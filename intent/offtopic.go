package intent

// offTopic are messages that no customer-support intent should match. They
// are scored as held-out "no match" messages when the thresholds are chosen,
// so that chatter sharing a word or two with the learning phrases ("what's
// the weather on mars" against "what's the status of my order") is refused.
var offTopic = []string{
	"what's the weather on mars", "tell me a joke about penguins", "banana smoothie recipe",
	"who won the football game last night", "what is the capital of australia", "how tall is mount everest",
	"sing me a song", "what's your favourite colour", "how do I bake sourdough bread", "recommend a good movie",
	"what is the square root of 144", "translate hello into japanese", "how many legs does a spider have",
	"who wrote pride and prejudice", "is it going to rain tomorrow", "play some jazz music", "tell me a fun fact",
	"how far is the moon from the earth", "what does a giraffe eat", "write a poem about autumn",
	"what time is it in tokyo", "how do I tie a tie", "best pizza toppings", "explain quantum physics simply",
	"how old is the universe", "what's the meaning of life", "are you a robot", "do you like cats or dogs",
	"how to train a puppy", "what are the rules of chess", "lyrics of happy birthday", "convert 10 miles to km",
	"how do volcanoes erupt", "which planet has the most moons", "how to learn to juggle",
	"what's a good name for a goldfish", "who painted the mona lisa", "how long do elephants live",
	"suggest a holiday destination in winter", "how to grow tomatoes on a balcony",
}

// offTopicRows scores the off-topic messages with m (and their sentence
// vectors, for a model that has them) as held-out rows that match no
// intent, together weighing a tenth of inWeight.
func offTopicRows(m *Model, sv *sentenceVectors, inWeight float64) []heldOut {
	w := 0.1 * inWeight / float64(len(offTopic))
	rows := make([]heldOut, len(offTopic))
	for i, t := range offTopic {
		z, sup := m.scoresSupport(t, sv.get(t))
		rows[i] = heldOut{z: z, support: sup, names: m.intents, gold: -1, weight: w, offTopic: true}
	}
	return rows
}
