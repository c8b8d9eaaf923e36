// Word lists for the English bench memories: names, places, firms, things, foods, activities, topics, and a word bank
// per document domain. Hundreds of entries each, so 100,000 generated memories stay distinct.
import { phrases, words } from './memoryRandom.ts';

export const MALE =
  words(`James Robert John Michael David William Richard Joseph Thomas Charles Christopher Daniel Matthew
Anthony Mark Donald Steven Andrew Paul Joshua Kenneth Kevin Brian George Timothy Ronald Jason Edward Jeffrey Ryan Jacob Gary
Nicholas Eric Jonathan Stephen Larry Justin Scott Brandon Benjamin Samuel Gregory Alexander Patrick Frank Raymond Jack
Dennis Jerry Tyler Aaron Adam Nathan Henry Zachary Douglas Peter Kyle Noah Ethan Jeremy Christian Walter Keith Austin Roger
Terry Sean Gerald Carl Dylan Harold Jordan Jesse Bryan Lawrence Gabriel Bruce Logan Billy Alan Juan Albert Wayne Mason
Vincent Liam Roy Caleb Bradley Russell Lucas Hiroshi Lars Mateo Omar Kenji Ravi Diego Marco Pierre Sven Tomas Arjun Kofi
Mehmet Bjorn Luca Rafael Dmitri Chen Oliver Harry Theo Felix Hugo Oscar`);
export const FEMALE =
  words(`Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa Nancy Betty Sandra
Margaret Ashley Kimberly Emily Donna Michelle Carol Amanda Melissa Deborah Stephanie Rebecca Sharon Laura Cynthia Dorothy
Amy Kathleen Angela Shirley Emma Brenda Pamela Nicole Anna Samantha Katherine Christine Debra Rachel Carolyn Janet Maria
Olivia Heather Helen Catherine Diane Victoria Joyce Lauren Kelly Christina Ruth Joan Virginia Judith Evelyn Hannah Andrea
Megan Cheryl Jacqueline Madison Teresa Abigail Sophia Martha Sara Gloria Janice Kathryn Isabella Judy Charlotte Julia
Grace Alice Denise Danielle Natalie Beverly Diana Brittany Theresa Alexis Doris Tiffany Priya Fatima Ingrid Sofia Aisha
Yuki Anika Leila Elena Giulia Camille Astrid Nadia Mei Zara Amara Selin Freya Chiara Ines Oksana Chloe Ruby Maya`);

export const LAST =
  words(`Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez
Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez Lewis Robinson
Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell
Carter Roberts Gomez Phillips Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris Morales Murphy Cook
Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward Richardson Watson Brooks Chavez
Wood James Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo Sanders Patel Myers Long Ross Foster Jimenez Powell
Jenkins Perry Russell Sullivan Bell Coleman Butler Henderson Barnes Fisher Vasquez Simmons Romero Patterson Hamilton
Graham Reynolds Griffin Wallace Moreno West Cole Hayes Bryant Herrera Gibson Ellis Tran Medina Aguilar Stevens Murray
Ford Castro Marshall Owens Harrison Fernandez McDonald Woods Washington Kennedy Wells Vargas Chen Freeman Webb Tucker
Guzman Burns Crawford Olson Simpson Porter Hunter Gordon Mendez Silva Shaw Snyder Mason Dixon Munoz Hunt Hicks Holmes
Palmer Wagner Black Robertson Boyd Rose Stone Salazar Fox Warren Mills Meyer Rice Schmidt Garza Daniels Ferguson Nichols
Stephens Soto Weaver Ryan Gardner Payne Grant Dunn Spencer Hawkins Arnold Pierce Hansen Peters Santos Hart Bradley
Knight Elliott Cunningham Duncan Armstrong Hudson Carroll Lane Riley Andrews Berry Perkins Hoffman Johnston Matthews
Richards Willis Carpenter Sandoval Marsh Okafor Kowalski Novak Lindqvist Bauer Rossi Dubois Tanaka Sato Yilmaz Haddad`);

export const CITIES =
  phrases(`London, Manchester, Leeds, Bristol, Edinburgh, Glasgow, Cardiff, Belfast, Dublin, Cork, Paris, Lyon,
Marseille, Nice, Bordeaux, Berlin, Munich, Hamburg, Cologne, Frankfurt, Dresden, Leipzig, Vienna, Salzburg, Zurich,
Geneva, Basel, Milan, Rome, Turin, Naples, Florence, Venice, Bologna, Madrid, Barcelona, Valencia, Seville, Bilbao,
Lisbon, Porto, Amsterdam, Rotterdam, Utrecht, Brussels, Antwerp, Ghent, Copenhagen, Aarhus, Stockholm, Gothenburg, Oslo,
Bergen, Helsinki, Tampere, Tallinn, Riga, Vilnius, Warsaw, Krakow, Gdansk, Prague, Brno, Budapest, Bratislava,
Ljubljana, Zagreb, Belgrade, Sofia, Bucharest, Athens, Thessaloniki, Istanbul, Ankara, Izmir, Tbilisi, Yerevan, Baku,
Almaty, Tashkent, Dubai, Doha, Cairo, Marrakesh, Casablanca, Tunis, Nairobi, Lagos, Accra, Johannesburg, Cape Town,
Mumbai, Delhi, Bangalore, Chennai, Kolkata, Colombo, Kathmandu, Bangkok, Hanoi, Singapore, Jakarta, Manila, Seoul, Busan,
Tokyo, Osaka, Kyoto, Sapporo, Beijing, Shanghai, Shenzhen, Taipei, Sydney, Melbourne, Brisbane, Perth, Auckland,
Wellington, Toronto, Montreal, Vancouver, Ottawa, Calgary, Boston, Chicago, Seattle, Portland, Denver, Austin, Dallas,
Houston, Atlanta, Miami, Orlando, Phoenix, Minneapolis, Detroit, Pittsburgh, Philadelphia, Baltimore, Nashville,
Mexico City, Bogota, Lima, Santiago, Buenos Aires, Montevideo, Sao Paulo, Reykjavik, Split, Valletta, Palermo`);

export const ROOTS =
  words(`Brightwater Northwind Bluefin Redwood Silverline Greenfield Ironbridge Clearview Summit Harbor Maple
Oakridge Pinecrest Riverside Stonegate Sunrise Westbrook Eastgate Highland Lakeside Meadow Crescent Falcon Granite Horizon
Keystone Lighthouse Nimbus Orchard Pioneer Quartz Beacon Cobalt Evergreen Fairway Golden Hawthorn Juniper Kestrel Lumen
Mosaic Northstar Pacific Radiant Sterling Thistle Vantage Willow Zenith Aurora Cedar Copper Delta Ember Frontier Glacier
Indigo Jasper Kingfisher Lotus Marble Nova Onyx Prairie Quill Raven Sapphire Tidewater Velvet Wren Atlas Bramble`);
export const FIRM =
  phrases(`Properties, Dental Clinic, Insurance, Bank, Logistics, Labs, Software, Telecom, Energy, Motors,
Pharmacy, Fitness, Legal, Accounting, Realty, Travel, Airlines, Hosting, Media, Print, Catering, Plumbing, Electric,
Veterinary Clinic, Language School, Bakery, Books, Furniture, Garage, Cleaning, Opticians, Storage`);
export const VENUE =
  phrases(`Café, Bistro, Bar, Hotel, Library, Park, Gallery, Museum, Coworking, Restaurant, Pizzeria, Tea Room,
Brewery, Club, Diner, Food Hall, Bookshop, Community Centre, Conference Centre, Yoga Studio`);

export const SERVICES =
  phrases(`home internet, mobile plan, electricity, water, gas, cloud hosting, domain renewal, car service,
dental check-up, annual audit, web design, translation, office cleaning, parking permit, gym membership, music lessons,
childcare, insurance premium, legal advice, catering, software licence, printer toner, courier delivery, storage unit,
pest control, window repair, boiler maintenance, tax filing, photography, consulting, roof inspection, tutoring,
physiotherapy, dog grooming, car rental, venue hire, bookkeeping, security alarm, garden maintenance, chimney sweep`);

export const THINGS =
  phrases(`laptop, phone, tablet, monitor, keyboard, router, printer, camera, headphones, speaker, television,
fridge, washing machine, dishwasher, microwave, oven, kettle, toaster, coffee machine, vacuum cleaner, bicycle, scooter,
car, tent, backpack, suitcase, jacket, boots, watch, passport, wallet, umbrella, sofa, mattress, desk, office chair,
bookshelf, floor lamp, heater, air conditioner, drill, ladder, lawn mower, guitar, piano, violin, drone, projector,
hard drive, charger, power bank, smart speaker, thermostat, door lock, boiler, radiator, garage door, fence, garden hose,
barbecue, blender, rice cooker, sewing machine, treadmill, yoga mat, skis, snowboard, kayak, fishing rod, telescope,
e-reader, game console, smartwatch, fitness tracker, baby monitor, stroller, car seat, aquarium, espresso grinder,
electric toothbrush, hair dryer, standing desk, webcam, microphone, dashcam, winter tyres, roof box, sleeping bag`);

export const OBJECTS =
  phrases(`report, contract, proposal, presentation, budget, invoice, spreadsheet, slide deck, receipt,
tax return, visa application, insurance claim, lease, warranty card, prescription, medical certificate, birthday card,
gift, photo album, blog post, newsletter, podcast episode, pull request, release notes, roadmap, design mockup, test plan,
database backup, server config, SSL certificate, onboarding guide, meeting notes, expense report, payslip, mortgage offer,
school form, permission slip, library books, parcel, passport photos, rental deposit, job application, reference letter,
grant application, conference talk, workshop agenda, seating plan, guest list, shopping list, meal plan, training plan,
recipe book, holiday itinerary, car registration, parking ticket, energy meter reading, pension statement, bank transfer,
cover letter, quarterly review, performance review, user survey, bug report, migration script, price list, catalogue`);

// Base form, then the past tense where it is not the regular one.
export const VERBS =
  words(`review sign send:sent print renew cancel book pay:paid submit update fix replace clean pack order
return prepare check approve upload download translate proofread schedule reschedule archive scan repair paint install
configure test deploy rewrite:rewrote document share forward compare buy:bought sell:sold find:found bring:brought
write:wrote read:read take:took give:gave lend:lent borrow wrap label measure insure register sort tidy wash iron fold
mend assemble inspect calibrate format reset restart descale polish trim organise plan:planned draft outline finish
finalise confirm verify count track photograph record edit publish announce collect deliver post:posted copy backup
summarise present rehearse negotiate chase email split:split merge estimate`);

export const ADJ =
  words(`old new broken spare blue red green black white grey small large heavy cheap expensive annual monthly
weekly quarterly urgent final signed shared personal kitchen garden office bathroom bedroom winter summer backup second
main wireless electric leather wooden metal glass vintage portable digital printed revised corrected missing damaged
updated original detailed short long official internal external secure encrypted public private temporary permanent
seasonal refurbished second-hand handmade compact`);

export const FOODS = phrases(`sushi, ramen, pho, pad thai, green curry, dal, biryani, tacos, burritos, lasagne, risotto,
carbonara, margherita pizza, steak, burgers, falafel, hummus, shakshuka, borscht, pelmeni, dumplings, oysters, salmon,
sardines, anchovies, mushrooms, olives, blue cheese, goat cheese, tofu, tempeh, kimchi, sauerkraut, pickled herring,
oatmeal, granola, pancakes, waffles, croissants, bagels, sourdough, rye bread, dark chocolate, cheesecake, tiramisu,
baklava, green tea, oolong, espresso, flat white, cappuccino, decaf, oat milk, almond milk, sparkling water, kombucha,
red wine, dry cider, IPA, stout, gin and tonic, coriander, raw onions, chilli, aubergine, broccoli, brussels sprouts,
spinach, beetroot, avocado, mango, pineapple, grapefruit, strawberries, blueberries, cherries, peanuts, cashews, walnuts,
coconut, liquorice, marzipan, mayonnaise, mustard, licorice tea, halloumi, paneer, gnocchi, polenta, couscous, quinoa`);

export const ACTIVITIES =
  phrases(`running, cycling, swimming, climbing, yoga, pilates, chess, board games, knitting, pottery,
watercolour painting, photography, birdwatching, gardening, hiking, skiing, surfing, sailing, fishing, tennis, squash,
badminton, football, basketball, volleyball, boxing, salsa dancing, choir singing, piano practice, sci-fi novels,
crime novels, history podcasts, jazz concerts, opera, theatre, stand-up comedy, museums, early meetings, late dinners,
long phone calls, video calls, crowded trains, open-plan offices, loud music, small talk, shopping malls, camping,
road trips, baking, meal prep, woodworking, 3D printing, video games, crosswords, sudoku, journaling, meditation,
volunteering, karaoke, escape rooms, cold showers, morning runs, spreadsheets, long flights, window seats, aisle seats`);

export const REL_M = phrases(
  'husband, brother, father, son, uncle, nephew, grandfather, godson, brother-in-law, stepfather',
);
export const REL_F = phrases(
  'wife, sister, mother, daughter, aunt, niece, grandmother, goddaughter, sister-in-law, stepmother',
);
export const REL_ANY =
  phrases(`partner, cousin, friend, neighbour, colleague, boss, manager, accountant, lawyer, doctor, dentist,
landlord, mentor, tutor, coach, flatmate, client, supplier, babysitter, physio, team lead, old classmate`);

export const JOBS =
  phrases(`software engineer, nurse, teacher, architect, accountant, chef, pharmacist, product manager,
data analyst, graphic designer, electrician, plumber, lawyer, paramedic, journalist, translator, photographer, pilot,
surgeon, veterinarian, marketing lead, sales director, HR partner, UX researcher, civil engineer, biologist,
physiotherapist, barista, carpenter, mechanic, economist, librarian, professor, consultant, recruiter, financial advisor,
radiologist, psychologist, site manager, sound engineer, midwife, dietitian, florist, tour guide, game designer`);

export const PROJECTS =
  words(`Falcon Orion Atlas Phoenix Hermes Apollo Borealis Kepler Nebula Quasar Tundra Sequoia Mistral
Helios Triton Vega Lyra Cygnus Draco Polaris Cobalt Saffron Juniper Monsoon Glacier Sierra Tango Echo Bravo Zephyr`);

export const TOPICS =
  phrases(`the quarterly budget, the product roadmap, hiring plans, the kitchen renovation, summer holidays,
the wedding seating plan, school admissions, a mortgage refinance, the marketing campaign, the data migration,
a pricing change, the annual report, customer churn, the new logo, the move to Kubernetes, partnership terms,
the charity run, the book club list, the garden redesign, retirement savings, the car lease, the office move,
the website relaunch, a salary review, the conference agenda, the loft conversion, the holiday rota,
the security audit, supplier contracts, the mobile app release, the investor update, the tenancy renewal,
a new pension plan, the birthday party, the team offsite, the API deprecation, onboarding new staff, the flat viewing,
the insurance claim, the podcast launch, the board meeting, the translation project, the tax deadline`);

export const MONTHS = words('January February March April May June July August September October November December');
export const DAYS = words('Monday Tuesday Wednesday Thursday Friday Saturday Sunday');
export const CURRENCIES = words('EUR GBP USD CHF SEK PLN');

// Document chunks: a title and a word bank per domain.
export const DOMAINS: { title: string[]; nouns: string[]; verbs: string[]; adj: string[] }[] = [
  {
    title: phrases('Backend handbook, Deployment runbook, Service architecture notes, Incident review'),
    nouns: phrases(`database, replica, connection pool, cache, queue, worker, deployment, rollback, schema, index,
    migration, endpoint, request, timeout, retry, load balancer, container, cluster, secret, log, metric, alert, release,
    feature flag, test suite`),
    verbs: words('cache retry replicate monitor deploy restart index throttle validate serialise encrypt rotate'),
    adj: words('idle stale primary slow failed pending idempotent concurrent nightly critical'),
  },
  {
    title: phrases('Household finances, Budget notes, Tax guide for freelancers, Savings plan'),
    nouns: phrases(`account, budget, expense, invoice, tax, deduction, pension, mortgage, interest rate, salary,
    savings, transfer, receipt, statement, allowance, dividend, loan, credit card, direct debit, emergency fund,
    subscription, refund, bonus, tax return, fee`),
    verbs: words('save spend transfer deduct declare invest withdraw reconcile budget claim refund audit'),
    adj: words('monthly deductible fixed variable taxable overdue joint annual net gross'),
  },
  {
    title: phrases('Health notes, Clinic leaflet, Training programme, Nutrition guide'),
    nouns: phrases(`blood pressure, dose, tablet, vaccine, appointment, symptom, allergy, diet, protein, workout,
    heart rate, stretch, injury, sleep, hydration, vitamin, prescription, check-up, scan, recovery, muscle, joint, fever,
    cholesterol, rest day`),
    verbs: words('measure stretch rest prescribe monitor reduce increase avoid record warm hydrate recover'),
    adj: words('daily mild chronic low high gentle intense seasonal routine acute'),
  },
  {
    title: phrases('Lease agreement, Terms of service, Employment contract, Supplier agreement'),
    nouns: phrases(`tenant, landlord, deposit, notice period, clause, party, liability, termination, renewal, payment,
    obligation, breach, dispute, signature, annex, warranty, licence, confidentiality, invoice, penalty, term, premises,
    inventory, utility bill, amendment`),
    verbs: words('terminate renew notify pay sign amend waive indemnify inspect return enforce dispute'),
    adj: words('written prior binding material reasonable monthly furnished exclusive mutual statutory'),
  },
  {
    title: phrases('Travel plan, Trip notes, Packing list, City guide'),
    nouns: phrases(`flight, train, hotel, booking, passport, visa, itinerary, luggage, check-in, transfer, museum,
    ferry, tram pass, hostel, guide, map, reservation, platform, terminal, boarding pass, currency, tip, adapter, locker,
    day trip`),
    verbs: words('book pack board cancel explore visit reserve confirm change exchange photograph queue'),
    adj: words('early late direct cheap crowded scenic overnight return guided local'),
  },
  {
    title: phrases('Recipe notes, Cooking class handout, Baking log, Meal plan'),
    nouns: phrases(`dough, oven, sauce, onion, garlic, butter, flour, yeast, stock, pan, simmer, marinade, crust,
    filling, spice, herb, lemon, egg, batter, glaze, broth, tray, whisk, fridge, portion`),
    verbs: words('knead bake simmer whisk chop season roast fold marinate cool stir grill'),
    adj: words('golden crispy fresh smoked sweet sour spicy creamy dry toasted'),
  },
  {
    title: phrases('Home maintenance log, Renovation plan, Garden diary, Appliance manual'),
    nouns: phrases(`boiler, pipe, radiator, roof, gutter, wall, tile, paint, window, filter, socket, fuse, valve,
    thermostat, hedge, lawn, seedling, compost, shed, drill, insulation, damp, leak, floorboard, sealant`),
    verbs: words('repair seal drain bleed paint prune water insulate replace sand fit tighten'),
    adj: words('damp loose cracked blocked frosted outdoor indoor leaking quiet noisy'),
  },
  {
    title: phrases('Course notes, Lecture summary, Reading list, Study plan'),
    nouns: phrases(`lecture, essay, exam, deadline, seminar, reading, chapter, citation, hypothesis, experiment,
    dataset, tutor, grade, thesis, draft, bibliography, argument, theory, sample, survey, result, method, abstract,
    footnote, syllabus`),
    verbs: words('cite summarise revise analyse argue compare submit outline research sample test review'),
    adj: words('qualitative quantitative empirical weekly final peer-reviewed optional core historical formal'),
  },
  {
    title: phrases('Car logbook, Vehicle manual, Cycling maintenance, Road trip notes'),
    nouns: phrases(`tyre, brake, engine, oil, battery, chain, gear, mileage, service, windscreen, wiper, headlight,
    coolant, clutch, dashboard, warning light, fuel, toll, parking, spare wheel, inspection, pedal, saddle, puncture,
    registration`),
    verbs: words('inflate lubricate check replace refuel charge adjust tighten drive park tow service'),
    adj: words('worn flat rear front spare electric diesel seasonal annual loose'),
  },
  {
    title: phrases('Team handbook, Meeting guide, Product spec, Hiring process'),
    nouns: phrases(`meeting, agenda, decision, owner, goal, milestone, sprint, review, feedback, candidate, interview,
    offer, onboarding, retrospective, estimate, priority, customer, requirement, prototype, launch, metric, roadmap, risk,
    budget, stakeholder`),
    verbs: words('decide prioritise estimate interview review ship measure hire delegate escalate plan align'),
    adj: words('weekly quarterly async remote cross-team critical blocked open measurable senior'),
  },
];
