/**
 * Words the demo builds its proposals from: real streets and green spaces of each
 * arrondissement of Paris, title and description templates per theme, reasons the
 * directorates give, public names of authors. Demo data, in French like the city's content.
 */

export interface ArrondissementPlaces {
  streets: string[];
  parks: string[];
  /** What people of the arrondissement call their neighbourhoods. */
  quartiers: string[];
}

export const PLACES: Record<string, ArrondissementPlaces> = {
  '1': {
    streets: ['rue Saint-Denis', 'rue Jean-Jacques-Rousseau', 'rue de l’Arbre-Sec', 'rue Saint-Honoré'],
    parks: ['jardin Nelson-Mandela', 'square du Vert-Galant', 'jardin de l’Oratoire'],
    quartiers: ['Les Halles', 'Palais-Royal'],
  },
  '2': {
    streets: ['rue Montorgueil', 'rue du Nil', 'rue d’Aboukir', 'rue Greneta'],
    parks: ['square Louvois', 'jardin Saint-Sauveur', 'place des Petits-Pères'],
    quartiers: ['Sentier', 'Bonne-Nouvelle'],
  },
  '3': {
    streets: ['rue de Bretagne', 'rue Charlot', 'rue des Gravilliers', 'rue Volta'],
    parks: ['square du Temple', 'square Émile-Chautemps', 'jardin Anne-Frank'],
    quartiers: ['Haut-Marais', 'Arts-et-Métiers'],
  },
  '4': {
    streets: ['rue Saint-Antoine', 'rue de la Verrerie', 'rue des Rosiers', 'rue du Temple'],
    parks: ['square de la Tour-Saint-Jacques', 'square de l’Île-de-France', 'jardin de l’Hôtel-de-Sens'],
    quartiers: ['Saint-Paul', 'Île Saint-Louis'],
  },
  '5': {
    streets: ['rue Mouffetard', 'rue Monge', 'rue Soufflot', 'rue Linné', 'rue Censier'],
    parks: ['square Saint-Médard', 'square René-Viviani', 'arènes de Lutèce'],
    quartiers: ['Mouffetard', 'Jardin-des-Plantes'],
  },
  '6': {
    streets: [
      'rue du Cherche-Midi',
      'rue de Rennes',
      'rue Saint-André-des-Arts',
      'rue Notre-Dame-des-Champs',
    ],
    parks: ['square Félix-Desruelles', 'square Gabriel-Pierné', 'jardin Marco-Polo'],
    quartiers: ['Odéon', 'Notre-Dame-des-Champs'],
  },
  '7': {
    streets: ['rue Cler', 'rue de Grenelle', 'avenue Rapp', 'rue de Babylone'],
    parks: ['jardin Catherine-Labouré', 'square Santiago-du-Chili', 'square d’Ajaccio'],
    quartiers: ['Gros-Caillou', 'Saint-Thomas-d’Aquin'],
  },
  '8': {
    streets: ['rue de Rome', 'rue La Boétie', 'boulevard Malesherbes', 'rue de Moscou'],
    parks: ['parc Monceau', 'square Marcel-Pagnol', 'square Louis-XVI'],
    quartiers: ['Europe', 'Madeleine'],
  },
  '9': {
    streets: ['rue des Martyrs', 'rue Cadet', 'rue de Douai', 'rue Condorcet'],
    parks: ['square d’Anvers', 'square Montholon', 'square Alex-Biscarre'],
    quartiers: ['Saint-Georges', 'Rochechouart'],
  },
  '10': {
    streets: ['rue du Faubourg-Saint-Denis', 'rue de Paradis', 'quai de Valmy', 'rue du Château-Landon'],
    parks: ['jardin Villemin', 'square Saint-Laurent', 'square Alban-Satragne'],
    quartiers: ['Canal Saint-Martin', 'Porte Saint-Denis'],
  },
  '11': {
    streets: ['rue Oberkampf', 'rue de la Roquette', 'rue Jean-Pierre-Timbaud', 'rue Saint-Maur'],
    parks: ['square Maurice-Gardette', 'square de la Roquette', 'jardin Truillot'],
    quartiers: ['Folie-Méricourt', 'Belleville-Saint-Maur'],
  },
  '12': {
    streets: ['rue de Charenton', 'avenue Daumesnil', 'rue de Picpus', 'rue du Rendez-Vous'],
    parks: ['jardin de Reuilly', 'square Trousseau', 'coulée verte René-Dumont'],
    quartiers: ['Aligre', 'Bel-Air'],
  },
  '13': {
    streets: [
      'avenue d’Italie',
      'rue de la Butte-aux-Cailles',
      'rue de Tolbiac',
      'rue du Château-des-Rentiers',
    ],
    parks: ['parc de Choisy', 'square René-Le-Gall', 'jardin James-Joyce'],
    quartiers: ['Butte-aux-Cailles', 'Olympiades'],
  },
  '14': {
    streets: ['rue Daguerre', 'rue d’Alésia', 'rue Raymond-Losserand', 'rue de la Tombe-Issoire'],
    parks: ['parc Montsouris', 'square du Serment-de-Koufra', 'square Ferdinand-Brunot'],
    quartiers: ['Pernety', 'Montsouris'],
  },
  '15': {
    streets: ['rue du Commerce', 'rue de la Convention', 'rue Lecourbe', 'rue de l’Abbé-Groult'],
    parks: ['parc André-Citroën', 'parc Georges-Brassens', 'square Saint-Lambert'],
    quartiers: ['Saint-Lambert', 'Grenelle'],
  },
  '16': {
    streets: ['rue de Passy', 'avenue Mozart', 'rue d’Auteuil', 'rue de la Pompe'],
    parks: ['jardin du Ranelagh', 'square des Poètes', 'square Lamartine'],
    quartiers: ['Auteuil', 'Chaillot'],
  },
  '17': {
    streets: ['rue des Dames', 'avenue de Clichy', 'rue Legendre', 'rue de Lévis'],
    parks: ['square des Batignolles', 'parc Martin-Luther-King', 'square Sainte-Odile'],
    quartiers: ['Batignolles', 'Épinettes'],
  },
  '18': {
    streets: ['rue Ordener', 'rue Marcadet', 'rue de la Goutte-d’Or', 'rue Championnet'],
    parks: ['square Louise-Michel', 'jardin d’Éole', 'square Léon'],
    quartiers: ['Goutte-d’Or', 'Clignancourt'],
  },
  '19': {
    streets: ['rue de Crimée', 'avenue Secrétan', 'rue de Belleville', 'quai de la Loire'],
    parks: ['parc des Buttes-Chaumont', 'parc de la Villette', 'square de la Butte-du-Chapeau-Rouge'],
    quartiers: ['Flandre', 'Danube'],
  },
  '20': {
    streets: ['rue des Pyrénées', 'rue de Ménilmontant', 'rue de Bagnolet', 'rue des Envierges'],
    parks: ['parc de Belleville', 'square Sarah-Bernhardt', 'square des Saint-Simoniens'],
    quartiers: ['Ménilmontant', 'Saint-Blaise'],
  },
};

/** Arrondissement envelopes of the 2026 demo, in euros (roughly by population). */
export const ARRONDISSEMENT_EUROS: Record<string, number> = {
  '1': 1_000_000,
  '2': 1_000_000,
  '3': 1_200_000,
  '4': 1_200_000,
  '5': 1_600_000,
  '6': 1_300_000,
  '7': 1_500_000,
  '8': 1_300_000,
  '9': 1_700_000,
  '10': 2_500_000,
  '11': 3_200_000,
  '12': 3_000_000,
  '13': 3_800_000,
  '14': 3_000_000,
  '15': 4_200_000,
  '16': 3_000_000,
  '17': 3_500_000,
  '18': 4_200_000,
  '19': 3_900_000,
  '20': 4_000_000,
};

export interface Template {
  theme: string;
  /** {street}, {park} (bare names), {la_street}, {La_street}, {de_street}, {au_park}, {du_park} (with their
   * article, contracted) and {quartier} are filled from the arrondissement's places. */
  title: string;
  description: string;
  /** Typical cost range, euros. */
  cost: [number, number];
}

export const TEMPLATES: Template[] = [
  {
    theme: 'environnement',
    title: 'Végétaliser {la_street}',
    description:
      '{La_street} est très minérale et devient étouffante l’été. Nous proposons des fosses de plantation, des arbres d’alignement et des pieds d’arbres fleuris entretenus avec les riverains.',
    cost: [80_000, 450_000],
  },
  {
    theme: 'environnement',
    title: 'Un verger partagé {au_park}',
    description:
      'Planter une vingtaine d’arbres fruitiers {au_park}, avec des ateliers de taille et de récolte ouverts aux écoles et aux habitants du quartier {quartier}.',
    cost: [40_000, 150_000],
  },
  {
    theme: 'environnement',
    title: 'Un refuge pour la biodiversité {au_park}',
    description:
      'Nichoirs, hôtels à insectes, une mare et une prairie fleurie fauchée tardivement : un coin {du_park} rendu à la faune sauvage, avec des panneaux pour comprendre.',
    cost: [30_000, 120_000],
  },
  {
    theme: 'environnement',
    title: 'Débitumer et ombrager la place du quartier {quartier}',
    description:
      'Remplacer l’enrobé par des sols perméables, planter des arbres et installer des ombrières pour faire de la place un îlot de fraîcheur.',
    cost: [200_000, 900_000],
  },
  {
    theme: 'mobilite',
    title: 'Sécuriser les traversées {de_street}',
    description:
      'Les traversées piétonnes {de_street} sont dangereuses aux heures d’entrée des écoles. Nous demandons des plateaux surélevés, des avancées de trottoir et un meilleur éclairage.',
    cost: [60_000, 350_000],
  },
  {
    theme: 'mobilite',
    title: 'Des arceaux et un abri vélos {street}',
    description:
      'Il manque de stationnement vélo sécurisé près des commerces {de_street}. Une cinquantaine d’arceaux et un abri fermé pour les vélos cargos des familles.',
    cost: [25_000, 110_000],
  },
  {
    theme: 'mobilite',
    title: 'Une rue aux écoles {street}',
    description:
      'Piétonniser la portion {de_street} devant l’école aux heures d’entrée et de sortie, avec des bacs plantés et des bancs pour les parents.',
    cost: [50_000, 250_000],
  },
  {
    theme: 'cadre_de_vie',
    title: 'Des bancs et de l’ombre {au_park}',
    description:
      'Les personnes âgées du quartier {quartier} manquent d’endroits pour s’asseoir à l’ombre. Nous proposons des bancs confortables, avec accoudoirs, sous des arbres ou des pergolas.',
    cost: [20_000, 90_000],
  },
  {
    theme: 'cadre_de_vie',
    title: 'Une fontaine à boire {au_park}',
    description:
      'Installer une fontaine d’eau potable accessible aux personnes en fauteuil {au_park}, très fréquenté par les familles et les sportifs.',
    cost: [15_000, 60_000],
  },
  {
    theme: 'cadre_de_vie',
    title: 'Rénover l’éclairage {de_street}',
    description:
      '{La_street} est mal éclairée le soir et l’on s’y sent peu en sécurité. Un éclairage plus doux, mieux réparti et économe, qui respecte la faune nocturne.',
    cost: [70_000, 300_000],
  },
  {
    theme: 'sport',
    title: 'Un espace de street workout {au_park}',
    description:
      'Des agrès de musculation en accès libre, adaptés à tous les âges et à toutes les morphologies, avec un sol souple et un panneau d’exercices.',
    cost: [40_000, 160_000],
  },
  {
    theme: 'sport',
    title: 'Rénover le terrain de sport du quartier {quartier}',
    description:
      'Le terrain multisports du quartier {quartier} est usé : revêtement, filets et paniers à refaire, avec un éclairage pour les soirées d’hiver.',
    cost: [90_000, 400_000],
  },
  {
    theme: 'culture',
    title: 'Une boîte à livres et un kiosque à lire {au_park}',
    description:
      'Un kiosque abrité pour lire et échanger des livres {au_park}, animé avec la bibliothèque du quartier {quartier}.',
    cost: [15_000, 70_000],
  },
  {
    theme: 'culture',
    title: 'Une fresque participative {street}',
    description:
      'Transformer le long mur aveugle {de_street} en fresque dessinée avec les enfants du quartier et des artistes locaux.',
    cost: [20_000, 80_000],
  },
  {
    theme: 'education',
    title: 'Une cour oasis pour l’école {de_street}',
    description:
      'Transformer la cour bitumée de l’école {de_street} en cour oasis : sols perméables, végétation, jeux en bois, points d’eau, ouverte au quartier le week-end.',
    cost: [250_000, 600_000],
  },
  {
    theme: 'education',
    title: 'Du matériel numérique pour le collège du quartier {quartier}',
    description:
      'Des ordinateurs portables et des tableaux interactifs pour les classes du collège du quartier {quartier}, et une salle de création numérique.',
    cost: [60_000, 200_000],
  },
  {
    theme: 'solidarite',
    title: 'Une bagagerie solidaire dans le quartier {quartier}',
    description:
      'Des casiers sécurisés où les personnes sans domicile peuvent laisser leurs affaires en journée, avec un accueil tenu par une association du quartier {quartier}.',
    cost: [80_000, 250_000],
  },
  {
    theme: 'solidarite',
    title: 'Rénover le centre social du quartier {quartier}',
    description:
      'Agrandir la cuisine partagée et rendre accessible la salle d’activités du centre social du quartier {quartier}.',
    cost: [120_000, 500_000],
  },
  {
    theme: 'proprete',
    title: 'Des composteurs de quartier {au_park}',
    description:
      'Trois bacs de compostage partagés {au_park}, gérés par des habitants formés, pour réduire les déchets et nourrir les jardins du quartier.',
    cost: [8_000, 35_000],
  },
  {
    theme: 'proprete',
    title: 'Des corbeilles de tri le long {de_street}',
    description:
      'Des corbeilles à deux flux et des cendriers le long {de_street}, où les déchets s’accumulent les soirs de week-end.',
    cost: [15_000, 60_000],
  },
  {
    theme: 'sante',
    title: 'Un parcours santé {au_park}',
    description:
      'Un parcours balisé avec des stations d’exercices doux, pensé avec le centre de santé du quartier {quartier} pour les personnes âgées.',
    cost: [30_000, 120_000],
  },
  {
    theme: 'numerique',
    title: 'Un espace public numérique dans le quartier {quartier}',
    description:
      'Des ordinateurs en libre accès et des permanences pour aider aux démarches en ligne, dans un local municipal du quartier {quartier}.',
    cost: [50_000, 180_000],
  },
];

/** City-wide projects: one title each, no place words. */
export const CITY_TEMPLATES: Template[] = [
  {
    theme: 'environnement',
    title: 'Cent fontaines à boire de plus dans Paris',
    description:
      'Doubler le nombre de fontaines d’eau potable dans les rues les plus chaudes, en priorité près des écoles et des arrêts de bus.',
    cost: [1_200_000, 2_000_000],
  },
  {
    theme: 'environnement',
    title: 'Des forêts urbaines sur les places minérales',
    description:
      'Planter des micro-forêts denses sur dix places aujourd’hui entièrement bitumées, choisies avec les conseils de quartier.',
    cost: [1_500_000, 2_000_000],
  },
  {
    theme: 'mobilite',
    title: 'Des bancs tous les 200 mètres sur les grands axes',
    description:
      'Pour que les personnes âgées et à mobilité réduite puissent marcher dans Paris : un banc au moins tous les 200 mètres sur les boulevards.',
    cost: [800_000, 1_500_000],
  },
  {
    theme: 'mobilite',
    title: 'Des stationnements vélos sécurisés près des gares',
    description: 'Des abris vélos fermés de grande capacité aux abords des six grandes gares parisiennes.',
    cost: [1_000_000, 2_000_000],
  },
  {
    theme: 'cadre_de_vie',
    title: 'Des toilettes publiques accessibles et gratuites',
    description:
      'Installer trente sanisettes accessibles dans les quartiers qui en manquent, avec un plan en ligne des toilettes ouvertes.',
    cost: [900_000, 1_800_000],
  },
  {
    theme: 'culture',
    title: 'La culture dans les jardins l’été',
    description:
      'Équiper vingt jardins de scènes démontables et de sonorisation pour des concerts et du théâtre gratuits tout l’été.',
    cost: [500_000, 1_200_000],
  },
  {
    theme: 'sport',
    title: 'Apprendre à nager dans la Seine et les bassins',
    description:
      'Aménager des bassins d’apprentissage temporaires l’été et rénover les vestiaires de trois piscines municipales.',
    cost: [1_200_000, 2_000_000],
  },
  {
    theme: 'solidarite',
    title: 'Des douches et des laveries solidaires',
    description:
      'Ouvrir cinq bains-douches rénovés avec une laverie gratuite pour les personnes sans domicile et les familles mal logées.',
    cost: [1_000_000, 2_000_000],
  },
  {
    theme: 'proprete',
    title: 'Le compost pour tous les immeubles',
    description:
      'Fournir des bacs de compostage et une formation à chaque immeuble volontaire, avec un service de collecte du compost mûr.',
    cost: [600_000, 1_400_000],
  },
  {
    theme: 'numerique',
    title: 'Un réseau de conseillers numériques de quartier',
    description:
      'Des postes équipés et des permanences d’aide aux démarches en ligne dans chaque mairie d’arrondissement.',
    cost: [500_000, 1_000_000],
  },
  {
    theme: 'sante',
    title: 'Des défibrillateurs accessibles jour et nuit',
    description:
      'Installer des défibrillateurs en façade, accessibles à toute heure, et former gratuitement les habitants aux gestes qui sauvent.',
    cost: [400_000, 900_000],
  },
  {
    theme: 'education',
    title: 'Des cours oasis dans vingt écoles de plus',
    description: 'Accélérer la transformation des cours d’école en cours oasis, une par arrondissement.',
    cost: [1_500_000, 2_000_000],
  },
];

/** Quartiers populaires: what people there ask for most. */
export const QP_TEMPLATES: Template[] = [
  {
    theme: 'solidarite',
    title: 'Une cuisine partagée pour le quartier {quartier}',
    description:
      'Une cuisine équipée, ouverte aux associations et aux habitants du quartier {quartier}, pour des repas solidaires et des ateliers.',
    cost: [150_000, 600_000],
  },
  {
    theme: 'sport',
    title: 'Un terrain de foot éclairé {au_park}',
    description:
      'Un terrain synthétique éclairé et ouvert le soir, géré avec le club et le centre social du quartier.',
    cost: [300_000, 1_200_000],
  },
  {
    theme: 'education',
    title: 'Rénover l’espace jeunes du quartier {quartier}',
    description: 'Un espace jeunes agrandi, avec studio de musique et salle d’aide aux devoirs.',
    cost: [200_000, 800_000],
  },
  {
    theme: 'cadre_de_vie',
    title: 'Des halls d’immeubles et des cheminements éclairés {street}',
    description: 'Un éclairage neuf des passages et des cheminements entre les immeubles autour {de_street}.',
    cost: [100_000, 500_000],
  },
  {
    theme: 'environnement',
    title: 'Des jardins partagés au pied des immeubles {street}',
    description: 'Transformer des pelouses interdites en jardins partagés, avec des bacs hauts accessibles.',
    cost: [60_000, 250_000],
  },
];

/** Schools and collèges. */
export const SCHOOL_TEMPLATES: Template[] = [
  {
    theme: 'education',
    title: 'Une cour oasis à l’école {de_street}',
    description: 'Débitumer la cour, planter, installer des jeux en bois et des points d’eau.',
    cost: [200_000, 600_000],
  },
  {
    theme: 'education',
    title: 'Une bibliothèque rénovée au collège du quartier {quartier}',
    description:
      'Du mobilier, des livres et des postes informatiques pour le centre de documentation du collège.',
    cost: [50_000, 180_000],
  },
  {
    theme: 'sport',
    title: 'Un préau sportif à l’école {de_street}',
    description: 'Refaire le sol et l’équipement du préau pour l’éducation physique par tous les temps.',
    cost: [80_000, 300_000],
  },
  {
    theme: 'environnement',
    title: 'Un potager pédagogique à l’école {de_street}',
    description: 'Des bacs de culture, un récupérateur d’eau de pluie et un abri à outils pour les classes.',
    cost: [20_000, 80_000],
  },
];

/** Why a proposal was found not admissible (public). */
export const INADMISSIBLE_REASONS = [
  'La proposition relève du fonctionnement (personnel, entretien courant) et non de l’investissement : elle ne peut pas être financée par le budget participatif.',
  'Le lieu appartient à l’État : la Ville n’est pas compétente pour y réaliser des travaux.',
  'La proposition profite à un intérêt particulier et non à l’intérêt général.',
  'La proposition est trop imprécise pour être étudiée : ni le lieu ni le contenu ne sont définis.',
];

/** Why a proposal was found not feasible (public). */
export const UNFEASIBLE_REASONS = [
  'Les réseaux souterrains (eau, gaz, électricité) empêchent toute plantation à cet endroit.',
  'La largeur du trottoir ne permet pas d’installer ce mobilier en laissant 1,80 m de passage libre.',
  'Le site est protégé : l’architecte des Bâtiments de France a rendu un avis défavorable.',
  'Un projet équivalent est déjà programmé par la Ville à cet endroit.',
  'Le coût estimé dépasse largement le montant de l’enveloppe.',
  'La configuration du lieu ne permet pas de garantir la sécurité des usagers.',
];

/** Public names chosen by the authors ('' = anonymous). */
export const AUTHOR_NAMES = [
  'Camille',
  'Yasmine B.',
  'Mathieu',
  'Inès',
  'Thomas L.',
  'Fatou',
  'Hugo',
  'Léa et Karim',
  'Sofia',
  'Julien',
  'Amadou',
  'Claire',
  '',
  '',
  'Conseil de quartier {quartier}',
  'Collectif {quartier} en transition',
  'Association des parents d’élèves',
  'Amicale des locataires',
  'Les Jardiniers {du_park}',
  'Club sportif du quartier {quartier}',
];

export const COMMENTS = [
  'Très bonne idée, je soutiens !',
  'Il faudrait penser à l’entretien : qui s’en occupera ?',
  'Enfin ! Nous attendons cela depuis des années dans le quartier.',
  'Attention au bruit le soir pour les riverains.',
  'Pourquoi pas, mais le lieu me semble mal choisi.',
  'Les enfants de l’école en profiteraient beaucoup.',
];

const FEMININE = new Set([
  'rue',
  'avenue',
  'place',
  'allée',
  'impasse',
  'villa',
  'cour',
  'coulée',
  'promenade',
  'esplanade',
]);
const PLURAL = new Set(['arènes', 'jardins', 'berges']);

/** "la rue Cler", "l’avenue Rapp", "le quai de Valmy", "les arènes de Lutèce". */
export function withArticle(name: string): { article: 'le' | 'la' | 'l’' | 'les'; name: string } {
  const first = name.split(' ')[0]?.toLowerCase() ?? '';
  if (PLURAL.has(first)) return { article: 'les', name };
  if (/^[aeiouyéèêâîôh]/i.test(first)) return { article: 'l’', name };
  return { article: FEMININE.has(first) ? 'la' : 'le', name };
}

/** "à" or "de" before a name with its article, contracted as French does (au, aux, du, des). */
export function contracted(preposition: 'à' | 'de', name: string): string {
  const { article } = withArticle(name);
  if (article === 'le') return `${preposition === 'à' ? 'au' : 'du'} ${name}`;
  if (article === 'les') return `${preposition === 'à' ? 'aux' : 'des'} ${name}`;
  return `${preposition} ${article === 'l’' ? 'l’' : 'la '}${name}`;
}

export function articled(name: string): string {
  const { article } = withArticle(name);
  return article === 'l’' ? `l’${name}` : `${article} ${name}`;
}
